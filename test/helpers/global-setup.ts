/** Runs once before the suite: nothing to start here; each test starts the parts it needs. */
export default async function globalSetup(): Promise<void> {}
