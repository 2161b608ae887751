/**
 * What a runbook's steps reach besides `$`: the fleet, through the executor the run acts with,
 * and the inventory beside it. Every action and every edit is journaled before it happens (as
 * the executor runs it, secrets hidden); a dry run says each one and does none. A server must be
 * one the inventory names: an id from a plan never reaches a URL or a command line unchecked.
 */
import { isMap } from 'yaml';
import { type CityModel, formatFinding, loadCity } from '../../model/index.ts';
import type { Executor, FleetAction, ServerFacts, WorkloadKind } from '../executors/executor.ts';
import {
  commitEdits,
  editedFiles,
  type InventoryEdit,
  InventoryEditRefused,
  readerOf,
} from './inventory-edit.ts';
import type { StepAct } from './runbook.ts';
import type {
  Cluster,
  ClusterReader,
  Fleet,
  FleetReader,
  InventoryReader,
  InventoryWriter,
} from './runbook-spec.ts';

export interface ContextSettings {
  /** The city as planned: the servers a step may name. */
  readonly model: CityModel;
  readonly executor: Executor;
  /** The inventory's root file (city.yaml). */
  readonly inventory: string;
  readonly redact: (text: string) => string;
  /** A dry run: says each action and edit, does none. */
  readonly dryRun?: (line: string) => void;
}

/** What a dry run reads of a server: nothing; every server is taken as up and in service. */
const DRY_RUN_FACTS: ServerFacts = {
  version: '',
  installed: '',
  bootId: '',
  cordoned: false,
  fenced: false,
  up: true,
};

function known(settings: ContextSettings, server: unknown): string {
  if (typeof server !== 'string' || !settings.model.servers.some((s) => s.name === server))
    throw new Error(
      `no server ${settings.redact(JSON.stringify(server)).slice(0, 80)} in the inventory: a fleet action names one of its servers`,
    );
  return server;
}

export const fleetReader = (settings: ContextSettings): FleetReader => ({
  facts: async (server) => {
    const name = known(settings, server);
    return settings.dryRun ? DRY_RUN_FACTS : settings.executor.facts(name);
  },
});

/**
 * Journals what a step does (its line, secrets hidden) before doing it, and shows it; a dry run
 * says the line and does nothing, giving `dry`.
 */
async function journaled<T>(
  settings: ContextSettings,
  act: StepAct,
  line: string,
  go: () => Promise<T>,
  dry: T,
): Promise<T> {
  const shown = settings.redact(line);
  if (settings.dryRun) {
    settings.dryRun(shown);
    return dry;
  }
  await act.command(shown);
  act.update(shown);
  return go();
}

export function fleetOf(settings: ContextSettings, act: StepAct): Fleet {
  const action = (what: Exclude<FleetAction, 'upgrade' | 'reboot'>) => async (server: string) => {
    const name = known(settings, server);
    await journaled(
      settings,
      act,
      settings.executor.describe(what, name, ''),
      () => settings.executor[what](name),
      undefined,
    );
  };
  return {
    ...fleetReader(settings),
    cordon: action('cordon'),
    drain: action('drain'),
    fence: action('fence'),
    unfence: action('unfence'),
    uncordon: action('uncordon'),
  };
}

/** A Kubernetes name (a namespace, an object's): what reaches a URL or an argv is checked first. */
function kubeName(settings: ContextSettings, what: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(value))
    throw new Error(
      `${what} ${settings.redact(JSON.stringify(value)).slice(0, 80)} is not a Kubernetes name (lowercase letters, digits, '-' and '.')`,
    );
  return value;
}

export const clusterReader = (settings: ContextSettings): ClusterReader => ({
  certificate: async (namespace, name) => {
    const [ns, n] = [kubeName(settings, 'namespace', namespace), kubeName(settings, 'certificate', name)];
    // a dry run reads nothing: every certificate is taken as one that must be renewed
    return settings.dryRun
      ? { notBefore: 0, notAfter: 0, secretName: n }
      : settings.executor.certificate(ns, n);
  },
  workloadsMounting: async (namespace, secretName) => {
    const [ns, s] = [kubeName(settings, 'namespace', namespace), kubeName(settings, 'secret', secretName)];
    return settings.dryRun ? [] : settings.executor.workloadsMounting(ns, s);
  },
});

export function clusterOf(settings: ContextSettings, act: StepAct): Cluster {
  return {
    ...clusterReader(settings),
    renewCertificate: async (namespace, name) => {
      const [ns, n] = [kubeName(settings, 'namespace', namespace), kubeName(settings, 'certificate', name)];
      await journaled(
        settings,
        act,
        settings.executor.describeCluster('renew-certificate', ns, n),
        () => settings.executor.renewCertificate(ns, n),
        undefined,
      );
    },
    restartWorkload: async (namespace, kind: WorkloadKind, name) => {
      const [ns, n] = [kubeName(settings, 'namespace', namespace), kubeName(settings, 'workload', name)];
      if (kind !== 'Deployment' && kind !== 'StatefulSet')
        throw new Error(
          `kind ${settings.redact(JSON.stringify(kind)).slice(0, 40)}: expected Deployment or StatefulSet`,
        );
      await journaled(
        settings,
        act,
        settings.executor.describeCluster('restart', ns, n, kind),
        () => settings.executor.restartWorkload(ns, kind, n),
        undefined,
      );
    },
  };
}

/** The inventory as it is now, or a one-line error naming its first. */
function loaded(inventory: string) {
  const city = loadCity(inventory);
  const first = city.findings.find((f) => f.level === 'error');
  if (!city.model || first)
    throw new Error(`the inventory does not validate: ${formatFinding(first as never)}`);
  return { model: city.model, sources: city.sources, inputs: city.inputs };
}

export const inventoryReader = (inventory: string): InventoryReader => ({
  model: () => loaded(inventory).model,
  fileOf: (section) =>
    loaded(inventory).sources.files.find((f) => isMap(f.doc.contents) && f.doc.contents.has(section))
      ?.relativePath ?? null,
});

export function inventoryWriter(settings: ContextSettings, act: StepAct): InventoryWriter {
  return {
    ...inventoryReader(settings.inventory),
    edit: async (edits: readonly InventoryEdit[], why: string) => {
      const { sources, inputs } = loaded(settings.inventory);
      const files = new Set(sources.files.map((f) => f.relativePath));
      for (const e of edits)
        if (!files.has(e.file))
          throw new Error(
            `${settings.redact(JSON.stringify(e.file)).slice(0, 120)} is not a file of the inventory (${[...files].join(', ')})`,
          );
      const edited = editedFiles(edits, readerOf(settings.inventory, sources));
      return journaled(
        settings,
        act,
        `edit ${[...edited.keys()].join(', ')}: ${why}`,
        async () => {
          try {
            return commitEdits(settings.inventory, edited, inputs);
          } catch (err) {
            if (!(err instanceof InventoryEditRefused)) throw err;
            const first = err.findings[0];
            // its line is the edited file's, which the inventory does not hold: said as such
            throw new Error(
              settings.redact(first ? `${err.message}: as edited, ${formatFinding(first)}` : err.message),
            );
          }
        },
        [],
      );
    },
  };
}
