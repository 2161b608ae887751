/** The network policies every citycloud namespace starts from: deny everything, then allow DNS (fresh objects each call). */
import type { NetworkPolicyV1Spec } from '@cdktf/provider-kubernetes/lib/network-policy-v1/index.js';

/** Nothing in or out of the namespace unless another policy allows it. */
export const defaultDeny = (): NetworkPolicyV1Spec => ({
  podSelector: {},
  policyTypes: ['Ingress', 'Egress'],
});

/** Without DNS a default-deny namespace cannot resolve anything it is allowed to reach. */
export const allowDns = (): NetworkPolicyV1Spec => ({
  podSelector: {},
  policyTypes: ['Egress'],
  egress: [
    {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
      ports: [
        { port: '53', protocol: 'UDP' },
        { port: '53', protocol: 'TCP' },
      ],
    },
  ],
});
