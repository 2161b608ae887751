/** A view turns the city model into files; it is a pure function, so synth stays deterministic. */
import type { CityModel } from '../model/index.ts';
import type { SynthCache } from './synth-cache.ts';

/** What synth lends a view: a cache of parts already rendered (same bytes), somewhere to say what it does. */
export interface RenderContext {
  readonly cache?: SynthCache | undefined;
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
