/**
 * A tenant's app and where it runs, for the constructs: the model's placement (model/app-sizing.ts),
 * refused with a ConstructPropsError when there is none.
 */
import { appPlacement, type Pool, type Tenant, type TenantApp, type TenantRequest } from '../model/index.ts';
import { ConstructPropsError } from './construct-props-error.ts';

/** The tenant's app, its request and pool; `where` names the construct and `who` the tenant in the message. */
export function appOf(
  t: Tenant,
  pools: readonly Pool[],
  where: string,
  who = 'tenant',
): { app: TenantApp; request: TenantRequest; pool: Pool } {
  if (!t.app)
    throw new ConstructPropsError(
      'app-declared',
      `${where}: ${who} ${t.id} declares no app; expected an app block (image, pod)`,
      t.path,
    );
  const placed = appPlacement(t, pools);
  if ('problem' in placed)
    throw new ConstructPropsError(
      'app-placement',
      `${where}: ${placed.problem}; expected a request in one of the model's pools`,
      t.path,
    );
  return { app: t.app, ...placed };
}
