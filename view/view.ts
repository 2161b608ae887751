/** A view turns the city model into files; it is a pure function, so synth stays deterministic. */
import type { CityModel } from '../model/index.ts';

/**
 * Parts rendered before, by content: the key of a part is the digest of its renderer's code and of
 * its slice of the model, so a hit holds the very bytes a render would give (synth/synth-cache.ts).
 */
export interface PartCache {
  /** The key of `unit` (a stack part, a view) rendered from `slice`. */
  key(unit: string, slice: unknown): string;
  get(key: string): string | null;
  put(key: string, value: string): void;
  /** Bytes kept by their sha256, which the call returns. */
  putBlob(bytes: Uint8Array): string;
  getBlob(sha256: string): Uint8Array | null;
}

/** What synth lends a view: a cache of parts already rendered (same bytes), somewhere to say what it does. */
export interface RenderContext {
  readonly cache?: PartCache | undefined;
  readonly progress?: ((line: string) => void) | undefined;
}

export interface Artifact {
  /** Path inside out/, with forward slashes, e.g. `model/city.json`. */
  readonly path: string;
  readonly content: string | Uint8Array;
  /** For a stack's file: its resources per type, when the view knows them (saves parsing it again). */
  readonly resources?: Readonly<Record<string, number>>;
}

export interface View {
  /** Short name shown in progress and errors, e.g. `model`. */
  readonly name: string;
  readonly render: (
    model: CityModel,
    context?: RenderContext,
  ) => readonly Artifact[] | Promise<readonly Artifact[]>;
  /**
   * Loads and compiles what a render from a cold cache would run, writing nothing: a process that
   * synthesizes again (`synth --watch`) calls it while it waits, so the first edit is as quick as
   * the next. A view that is always rendered in full needs none.
   */
  readonly warm?: (model: CityModel) => Promise<void>;
}
