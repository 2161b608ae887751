/** Options several commands take, worded once. */
import type { Command } from 'commander';
import { PROMETHEUS_AUTH_ENV } from '../../runbooks/engine/prometheus-auth.ts';
import { BUILTIN_INVENTORY, shown } from './defaults.ts';

/** `-i, --inventory FILE`, the built-in city by default; `help` says what it is read for. */
export const withInventory = (
  c: Command,
  help = `root inventory file (default: the built-in city, ${shown(BUILTIN_INVENTORY)})`,
): Command => c.option('-i, --inventory <file>', help, BUILTIN_INVENTORY);

/** `--prometheus URL` (asked for `what`) and `--prometheus-auth-file FILE`. */
export const withPrometheus = (c: Command, what: string): Command =>
  c
    .option('--prometheus <url>', `the Prometheus ${what} (no credentials in it)`, 'http://127.0.0.1:9090')
    .option(
      '--prometheus-auth-file <file>',
      `Prometheus' basic-auth credentials, netrc-style (machine HOST login USER password PASS; mode 600); or set ${PROMETHEUS_AUTH_ENV}=user:password`,
    );
