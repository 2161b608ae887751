/**
 * What every Kubernetes stack of the city has: the provider, and local state kept outside out/
 * (which synth replaces whole), one state file per stack so each deploys on its own.
 */
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider/index.js';
import { LocalBackend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';

export class CityStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new KubernetesProvider(this, 'kubernetes', { configPath: '~/.kube/config' });
    // from out/terraform/stacks/<id>/ up to the folder that holds out/
    new LocalBackend(this, { path: `../../../../state/${id}.tfstate` });
  }
}
