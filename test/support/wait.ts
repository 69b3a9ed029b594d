export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `condition` holds or `limitMs` passes (bounded in time and count). */
export async function waitUntil(condition: () => boolean, limitMs: number): Promise<boolean> {
  for (let waited = 0; waited < limitMs; waited += 10) {
    if (condition()) return true;
    await sleep(10);
  }
  return condition();
}
