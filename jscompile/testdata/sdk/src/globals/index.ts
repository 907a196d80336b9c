// ferry:globals for the fake sdk: marks that it ran before user code.
(globalThis as any).__ferryGlobals = true;
