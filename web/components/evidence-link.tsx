/** An evidence file to download, with the SHA-256 to check it by (its name alone proves nothing). */
export function EvidenceLink(p: { taskId: string; evidenceId: string; fileName: string; sha256?: string }) {
  return (
    <>
      <a href={`/tasks/${encodeURIComponent(p.taskId)}/evidence/${encodeURIComponent(p.evidenceId)}`} download={p.fileName}>
        {p.fileName}
      </a>
      {p.sha256 && (
        <>
          {' · SHA-256 '}
          <code class="hash">{p.sha256}</code>
        </>
      )}
    </>
  );
}

/** The evidence file an `evidence_attached` event names, when its payload holds one. */
export function evidenceOfEvent(payload: Record<string, unknown>): { evidenceId: string; fileName: string; sha256: string } | null {
  const { evidenceId, fileName, sha256 } = payload;
  return typeof evidenceId === 'string' && typeof fileName === 'string' && typeof sha256 === 'string'
    ? { evidenceId, fileName, sha256 }
    : null;
}
