/**
 * Backup names: `<migration>-<yyyymmddhhmmss>` from the run's start (UTC). A run gets a fresh
 * backup rather than a name derived from the spec: the repository deduplicates content, so
 * a re-run stores only a new manifest, and an interrupted run's partial upload is reused by
 * the next. Restores are idempotent by object, not by backup, so a new name never makes a
 * resumed run write twice.
 */

/** The backup name for a run of `migration` started at `startedAt`. */
export function backupName(migration: string, startedAt: Date): string {
  const stamp = startedAt.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  // Backup names are DNS-1123 subdomains of at most 253 characters.
  return `${migration.slice(0, 253 - stamp.length - 1)}-${stamp}`;
}

/**
 * `backupName`, made unique in the repository: two runs in the same second (a quick re-run
 * after an interrupted one) get `-2`, `-3`, … rather than colliding.
 */
export async function uniqueBackupName(
  backups: { hasBackup(name: string): Promise<boolean> },
  migration: string,
  startedAt: Date,
): Promise<string> {
  const base = backupName(migration, startedAt);
  for (let n = 1; ; n += 1) {
    const name = n === 1 ? base : `${base}-${n}`;
    if (!(await backups.hasBackup(name))) return name;
  }
}
