/** The error `act` throws, for tests that check its code or fields (fails the test when it returns). */
export function thrown(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}
