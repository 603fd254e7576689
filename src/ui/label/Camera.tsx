/**
 * @file The camera: a live preview (getUserMedia) and a capture button that adds the current
 * frame as a PNG photo. The component owns the stream: its tracks stop when it closes or unmounts.
 */
import { useEffect, useRef, useState } from 'react';
import { useLab } from '../lab';
import { useLabel } from './useLabel';

export function Camera({ onClose }: { onClose: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [ready, setReady] = useState(false);
  const [why, setWhy] = useState<string>();
  const report = useLab((s) => s.reportError);

  useEffect(() => {
    let stream: MediaStream | undefined;
    let gone = false;
    navigator.mediaDevices?.getUserMedia({ video: { width: { ideal: 1280 } }, audio: false }).then((s) => {
      stream = s;
      if (gone) return s.getTracks().forEach((t) => t.stop());
      video.current!.srcObject = s;
      void video.current!.play().then(() => setReady(true));
    }, (e: Error) => setWhy(`the camera is not available: ${e.message}`));
    if (!navigator.mediaDevices) setWhy('this browser offers no camera here (it needs https or localhost)');
    return () => {
      gone = true;
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, []);

  const capture = async () => {
    const v = video.current!;
    const canvas = document.createElement('canvas');
    canvas.width = v.videoWidth;
    canvas.height = v.videoHeight;
    canvas.getContext('2d')!.drawImage(v, 0, 0);
    const blob = await new Promise<Blob | null>((ok) => canvas.toBlob(ok, 'image/png'));
    if (!blob) return report(new Error('the camera frame could not be captured'));
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
    await useLabel.getState().addPhotos([{ name: `camera-${stamp}.png`, bytes: new Uint8Array(await blob.arrayBuffer()) }]);
  };

  return (
    <div className="label-camera" role="group" aria-label="Camera">
      {why ? <p role="alert">{why}</p> : <video ref={video} muted playsInline aria-label="Camera preview" />}
      <div>
        <button type="button" className="primary" data-testid="label-capture" disabled={!ready} onClick={() => void capture()}>Capture</button>
        <button type="button" className="secondary" onClick={onClose}>Close the camera</button>
      </div>
    </div>
  );
}
