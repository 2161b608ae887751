/** The off-site tier's slice of the model: all the off-site stack is made from, and its cache key. */
import { type BackupPromise, type CityModel, offsiteWarehouses } from '../../model/index.ts';

/** The off-site stack's name, in the cloud assembly and on CloudFormation. */
export const OFFSITE_STACK = 'offsite';

/** What the off-site tier is made from: the whole of its slice of the model. */
export interface OffsiteInput {
  readonly city: CityModel['city'];
  readonly offsite: CityModel['offsite'];
  readonly warehouses: readonly {
    readonly id: string;
    readonly name: string;
    /** What decides how long its backups are kept off-site. */
    readonly backup: Pick<BackupPromise, 'schedule' | 'fullBackupsKept'>;
  }[];
}

export const offsiteInput = (model: CityModel): OffsiteInput => ({
  city: model.city,
  offsite: model.offsite,
  // only what may leave the country: the others back up to the city's second site
  warehouses: offsiteWarehouses(model).map((w) => ({
    id: w.id,
    name: w.name,
    backup: { schedule: w.backup.schedule, fullBackupsKept: w.backup.fullBackupsKept },
  })),
});
