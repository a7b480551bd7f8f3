// Test-only preload for e2e/prototype-guard.spec.ts (NODE_OPTIONS=--import=<this file>; never loaded by the app):
// on SIGUSR2 the process tries to add a property to Object.prototype and then replaces an existing one, as
// prototype pollution would, so that the test can watch the running server's guard. Modules are strict code:
// adding to a sealed prototype throws.
process.on('SIGUSR2', () => {
  try {
    Object.prototype.addedByTest = 'polluted';
    console.error('prototype-test: added');
  } catch (error) {
    console.error(`prototype-test: adding refused: ${error.constructor.name}`);
  }
  Object.prototype.toLocaleString = function () {
    return 'polluted';
  };
  console.error('prototype-test: replaced');
});
