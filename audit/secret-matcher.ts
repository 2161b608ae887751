/**
 * Whether a text holds any of a set of secret values, in one pass over the text whatever the
 * number of secrets (an Aho–Corasick automaton): a plan that marks thousands of values sensitive
 * is masked in time linear in its size, not in its size times the number of secrets.
 */

interface State {
  readonly next: Map<number, number>;
  fail: number;
  /** Some secret ends here. */
  match: boolean;
}

export class SecretMatcher {
  private readonly states: State[] = [{ next: new Map(), fail: 0, match: false }];

  constructor(secrets: Iterable<string>) {
    for (const secret of secrets) {
      if (secret === '') continue;
      let s = 0;
      for (let i = 0; i < secret.length; i++) {
        const c = secret.charCodeAt(i);
        let t = this.states[s]?.next.get(c);
        if (t === undefined) {
          t = this.states.length;
          this.states.push({ next: new Map(), fail: 0, match: false });
          (this.states[s] as State).next.set(c, t);
        }
        s = t;
      }
      (this.states[s] as State).match = true;
    }
    // breadth first: each state's failure link is the longest proper suffix that is a state
    const queue: number[] = [...(this.states[0] as State).next.values()];
    for (let q = 0; q < queue.length; q++) {
      const r = queue[q] as number;
      const state = this.states[r] as State;
      for (const [c, t] of state.next) {
        queue.push(t);
        let f = state.fail;
        while (f !== 0 && !(this.states[f] as State).next.has(c)) f = (this.states[f] as State).fail;
        const to = (this.states[f] as State).next.get(c);
        const target = this.states[t] as State;
        target.fail = to !== undefined && to !== t ? to : 0;
        if ((this.states[target.fail] as State).match) target.match = true;
      }
    }
  }

  /** No secrets: nothing ever matches. */
  get empty(): boolean {
    return this.states.length === 1;
  }

  /** Whether `text` contains one of the secrets. */
  matches(text: string): boolean {
    if (this.empty) return false;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let state = this.states[s] as State;
      while (s !== 0 && !state.next.has(c)) {
        s = state.fail;
        state = this.states[s] as State;
      }
      s = state.next.get(c) ?? 0;
      if ((this.states[s] as State).match) return true;
    }
    return false;
  }
}
