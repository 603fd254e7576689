/** @file The page: header, set-up panel (pickers, recipe, controls), charts and the viewer. */
import { useEffect } from 'react';
import { BackendBadge, Tagline } from './components/BackendBadge';
import { Charts } from './components/Charts';
import { Controls } from './components/Controls';
import { Errors } from './components/Errors';
import { DatasetPicker } from './components/DatasetPicker';
import { ModelPicker } from './components/ModelPicker';
import { ProgressBars } from './components/ProgressBars';
import { RecipeForm } from './components/RecipeForm';
import { RunsList } from './components/RunsList';
import { StoragePanel } from './components/StoragePanel';
import { Viewer } from './components/Viewer';
import { useLab } from './lab';

export function App() {
  const talkMode = useLab((s) => s.talkMode);
  const setTalkMode = useLab((s) => s.setTalkMode);

  useEffect(() => {
    // default page: the embedded demo, offline; the backend from the URL (?backend=wasm), else the last choice
    const choice = new URLSearchParams(location.search).get('backend');
    const s = useLab.getState();
    void (async () => {
      await s.initBackend(choice === 'wasm' || choice === 'webgpu' || choice === 'auto' ? choice : s.backendChoice);
      await Promise.all([s.loadModel({ kind: 'demo' }), s.loadDataset({ kind: 'demo' })]);
      await s.refreshRuns();
      // after a reload, the most recent run's charts come back at once
      const latest = useLab.getState().runs.find((r) => r.status !== 'imported');
      if (latest && useLab.getState().steps.length === 0) await s.openRun(latest.id);
    })();
  }, []);

  return (
    <div className={talkMode ? 'app talk' : 'app'}>
      <header>
        <h1>VFM Lab</h1>
        <Tagline />
        <BackendBadge />
        <button type="button" aria-pressed={talkMode} onClick={() => {
          // talk mode: full screen (where the browser allows it) with large type
          if (!talkMode) void document.documentElement.requestFullscreen?.().catch(() => undefined);
          else if (document.fullscreenElement) void document.exitFullscreen();
          setTalkMode(!talkMode);
        }}>
          {talkMode ? 'Exit talk mode' : 'Talk mode'}
        </button>
      </header>
      <Errors />
      <main>
        {!talkMode && (
          <aside aria-label="Set-up">
            <ModelPicker />
            <DatasetPicker />
            <RecipeForm />
            <RunsList />
            <StoragePanel />
          </aside>
        )}
        <section className="work">
          <Controls />
          <ProgressBars />
          <Charts />
          <Viewer />
        </section>
      </main>
    </div>
  );
}
