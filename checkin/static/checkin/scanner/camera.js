// The camera: a rear-camera preview (getUserMedia, facingMode environment) whose frames are decoded
// continuously in a worker (decoder-worker.js, jsQR). One frame is in flight at a time, scaled down so a
// slow phone keeps up; ``onCode`` gets every decoded text (the app decides what to do with repeats).

const MAX_FRAME_EDGE = 720;
const FRAME_INTERVAL_MS = 120;

export class CameraError extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind; // "denied" | "unavailable"
  }
}

export class Camera {
  constructor(video, { workerUrl, onCode }) {
    this.video = video;
    this.workerUrl = workerUrl;
    this.onCode = onCode;
    this.stream = null;
    this.worker = null;
    this.timer = null;
    this.busy = false;
    this.frameId = 0;
    this.canvas = document.createElement("canvas");
    this.context = this.canvas.getContext("2d", { willReadFrequently: true });
  }

  get running() {
    return Boolean(this.stream);
  }

  async start() {
    if (this.stream) {
      return;
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new CameraError("unavailable", "no getUserMedia");
    }
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
      });
    } catch (error) {
      const denied = error && (error.name === "NotAllowedError" || error.name === "SecurityError");
      throw new CameraError(denied ? "denied" : "unavailable", error && error.message);
    }
    this.video.srcObject = this.stream;
    try {
      await this.video.play();
    } catch {
      // autoplay of a muted inline video is allowed; a rejection here still leaves frames flowing
    }
    if (!this.worker) {
      this.worker = new Worker(this.workerUrl);
      this.worker.onmessage = (event) => {
        this.busy = false;
        if (event.data.text && this.stream) {
          this.onCode(event.data.text);
        }
      };
      this.worker.onerror = () => {
        this.busy = false;
      };
    }
    this.timer = setInterval(() => this.grab(), FRAME_INTERVAL_MS);
  }

  grab() {
    const video = this.video;
    if (this.busy || !this.stream || video.readyState < 2 || !video.videoWidth) {
      return;
    }
    const scale = Math.min(1, MAX_FRAME_EDGE / Math.max(video.videoWidth, video.videoHeight));
    const width = Math.round(video.videoWidth * scale);
    const height = Math.round(video.videoHeight * scale);
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    this.context.drawImage(video, 0, 0, width, height);
    const frame = this.context.getImageData(0, 0, width, height);
    this.busy = true;
    this.frameId += 1;
    this.worker.postMessage({ id: this.frameId, width, height, buffer: frame.data.buffer }, [frame.data.buffer]);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
    if (this.stream) {
      for (const track of this.stream.getTracks()) {
        track.stop();
      }
    }
    this.stream = null;
    this.video.srcObject = null;
    this.busy = false;
  }
}
