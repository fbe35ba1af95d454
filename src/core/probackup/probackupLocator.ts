// Which pg_probackup to run: found once per setting value (core discovery: the setting, else
// PATH), then picked per instance by the PostgreSQL major it was built for. Pure: no vscode.
import { nameMajorMismatch, pickForMajor, probackupCandidates, probeProbackups } from './discovery';
import type { ProbackupBinary, ProbeResult } from './discovery';

export type BinaryPick =
  /** warning: the binary fits, but its name promises another major (see nameMajorMismatch). */
  | { readonly ok: true; readonly binary: ProbackupBinary; readonly warning?: string }
  | { readonly ok: false; readonly reason: 'none' | 'wrong-major'; readonly message: string };

export class ProbackupLocator {
  private cached: { key: string; result: Promise<ProbeResult> } | undefined;

  constructor(
    private readonly explicitPath: () => string | undefined,
    private readonly pathEnv: () => string | undefined = () => process.env['PATH'],
  ) {}

  invalidate(): void {
    this.cached = undefined;
  }

  probe(): Promise<ProbeResult> {
    const explicit = this.explicitPath();
    const key = `${explicit ?? ''}\u0000${this.pathEnv() ?? ''}`;
    if (this.cached?.key !== key) {
      const candidates = probackupCandidates({ explicitPath: explicit, pathEnv: this.pathEnv() });
      const result = probeProbackups(candidates);
      result.catch(() => this.invalidate());
      this.cached = { key, result };
    }
    return this.cached.result;
  }

  /** The binary for this major; with no major known, the first one found. */
  async pick(major?: number): Promise<BinaryPick> {
    const { found, failed } = await this.probe();
    if (found.length === 0) {
      const explicit = this.explicitPath();
      const why = failed.map((f) => `${f.path}: ${f.error.message}`).join('; ');
      return {
        ok: false,
        reason: 'none',
        message: explicit
          ? `pg_probackup at "${explicit}" cannot be used${why ? ` (${why})` : ''}. Set pgBackupStudio.probackup.path to a pg_probackup 2.5 executable.`
          : `No pg_probackup found on PATH${why ? ` (${why})` : ''}. Set pgBackupStudio.probackup.path to its location.`,
      };
    }
    if (major === undefined) return withWarning(found[0]!);
    const fit = pickForMajor(found, major);
    if (fit) return withWarning(fit);
    const have = found.map((b) => `${b.path} (PostgreSQL ${b.version.server.major})`).join(', ');
    return {
      ok: false,
      reason: 'wrong-major',
      message: `No pg_probackup built for PostgreSQL ${major}: found ${have}. pg_probackup only works with the major it was built for.`,
    };
  }
}

function withWarning(binary: ProbackupBinary): BinaryPick {
  const warning = nameMajorMismatch(binary);
  return warning === undefined ? { ok: true, binary } : { ok: true, binary, warning };
}

/** The PostgreSQL major a server-version text names: "15" → 15, "9.6" → 9.6, "15.4" → 15. */
export function majorOf(serverVersion: string | undefined): number | undefined {
  if (serverVersion === undefined) return undefined;
  const m = /^(\d+)(?:\.(\d+))?/.exec(serverVersion.trim());
  if (!m) return undefined;
  const first = Number(m[1]);
  return first < 10 && m[2] !== undefined ? Number(`${first}.${m[2]}`) : first;
}
