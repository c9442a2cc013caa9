// A stand-in job worker for the scheduler's tests: replies after `ms` milliseconds.
const scope = self as unknown as {
  postMessage(m: unknown): void;
  onmessage: ((e: MessageEvent<{ id: string; job: { ms?: number } }>) => void) | null;
};
scope.onmessage = (e) => {
  setTimeout(() => {
    scope.postMessage({ type: "progress", done: 1, total: 1, label: e.data.id });
    scope.postMessage({ type: "done" });
  }, e.data.job.ms ?? 0);
};
