// QR decoding off the main thread (a classic worker: jsQR ships as a UMD script, not an ES module).
// Receives grey-enough RGBA frames from camera.js and answers with the decoded text or null.
/* global jsQR */
"use strict";

importScripts("../../npm/jsqr/jsQR.js");

self.onmessage = (event) => {
  const { id, width, height, buffer } = event.data;
  let text = null;
  try {
    const code = jsQR(new Uint8ClampedArray(buffer), width, height, { inversionAttempts: "attemptBoth" });
    text = code && code.data ? code.data : null;
  } catch {
    text = null;
  }
  self.postMessage({ id, text });
};
