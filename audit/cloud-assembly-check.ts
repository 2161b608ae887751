/**
 * The off-site cloud assembly as synth writes it, and nothing the AWS CDK command line would read
 * differently: `cdk deploy` reads `cloudformation/manifest.json` (which template, which roles,
 * which asset manifest) and `offsite.assets.json` (what it uploads, and how — an asset source may
 * name a command to run). The review diffs the template; these say how it is deployed, so they must
 * say exactly what synth makes them say: the reviewed template, by its digest; the bootstrap's own
 * roles and bucket in the stack's account and region; one file asset, that template, no command.
 */
import { sha256Hex } from './reviewed-output.ts';

const STACK = 'offsite';
const TEMPLATE = `${STACK}.template.json`;
const QUALIFIER = 'hnb659fds';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
const role = (kind: string, region: string) =>
  `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/cdk-${QUALIFIER}-${kind}-role-\${AWS::AccountId}-${region}`;

/** Why the assembly's files in `files` (path → bytes, as checked) are not as synth writes them, or null. */
export function cloudAssemblyProblem(files: ReadonlyMap<string, Buffer>): string | null {
  const manifestBytes = files.get('cloudformation/manifest.json');
  const template = files.get(`cloudformation/${TEMPLATE}`);
  const assetsBytes = files.get(`cloudformation/${STACK}.assets.json`);
  if (!manifestBytes && !template) return null;
  if (!manifestBytes || !template || !assetsBytes)
    return 'its manifest, template or asset manifest is missing';
  let manifest: Json;
  let assets: Json;
  try {
    manifest = obj(JSON.parse(manifestBytes.toString('utf8')));
    assets = obj(JSON.parse(assetsBytes.toString('utf8')));
  } catch {
    return 'its manifest or asset manifest is not JSON';
  }
  const artifacts = obj(manifest.artifacts);
  const known = new Set([STACK, `${STACK}.assets`, 'Tree', 'aws-cdk-lib/feature-flag-report']);
  const other = Object.keys(artifacts).filter((k) => !known.has(k));
  if (other.length)
    return `its manifest names artifacts synth does not make (${other.slice(0, 3).join(', ')})`;
  const stack = obj(artifacts[STACK]);
  const props = obj(stack.properties);
  const region = /^aws:\/\/unknown-account\/([a-z0-9-]+)$/.exec(String(stack.environment))?.[1];
  if (stack.type !== 'aws:cloudformation:stack' || !region)
    return 'its stack artifact is not the off-site stack in its region';
  const digest = sha256Hex(template);
  const expected: Record<string, unknown> = {
    templateFile: TEMPLATE,
    assumeRoleArn: role('deploy', region),
    cloudFormationExecutionRoleArn: role('cfn-exec', region),
    stackTemplateAssetObjectUrl: `s3://cdk-${QUALIFIER}-assets-\${AWS::AccountId}-${region}/${digest}.json`,
  };
  for (const [key, want] of Object.entries(expected))
    if (props[key] !== want)
      return `its stack's ${key} is not what synth writes (${JSON.stringify(String(props[key])).slice(0, 80)})`;
  if (stack.additionalMetadataFile !== undefined && stack.additionalMetadataFile !== `${STACK}.metadata.json`)
    return 'its stack names another metadata file';
  const lookup = obj(props.lookupRole);
  if (props.lookupRole !== undefined && lookup.arn !== role('lookup', region))
    return "its stack's lookup role is not the bootstrap's";
  const assetManifest = obj(artifacts[`${STACK}.assets`]);
  if (
    assetManifest.type !== 'cdk:asset-manifest' ||
    obj(assetManifest.properties).file !== `${STACK}.assets.json`
  )
    return 'its asset manifest artifact is not the one synth writes';
  const tree = obj(artifacts.Tree);
  if (artifacts.Tree !== undefined && (tree.type !== 'cdk:tree' || obj(tree.properties).file !== 'tree.json'))
    return 'its tree artifact is not the one synth writes';
  // one file asset, the reviewed template, uploaded to the bootstrap bucket by its role
  const assetFiles = obj(assets.files);
  if (Object.keys(obj(assets.dockerImages)).length > 0) return 'its asset manifest has container images';
  if (Object.keys(assetFiles).length !== 1 || !(digest in assetFiles))
    return 'its asset manifest does not list exactly the reviewed template';
  const asset = obj(assetFiles[digest]);
  const source = obj(asset.source);
  if (
    Object.keys(source).sort().join(',') !== 'packaging,path' ||
    source.path !== TEMPLATE ||
    source.packaging !== 'file'
  )
    return "its template asset's source is not the template file alone (no command, no other path)";
  for (const d of Object.values(obj(asset.destinations))) {
    const dest = obj(d);
    if (
      dest.bucketName !== `cdk-${QUALIFIER}-assets-\${AWS::AccountId}-${region}` ||
      dest.objectKey !== `${digest}.json` ||
      dest.assumeRoleArn !== role('file-publishing', region)
    )
      return "its template asset goes elsewhere than the bootstrap's bucket";
  }
  return null;
}
