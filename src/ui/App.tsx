/**
 * @file The page: header, the three steps (model → data → train, with Start), the set-up panel
 * (pickers, recipe, runs) and the work area (progress, viewer, charts). Talk mode hides the set-up
 * panel and scales everything through `--talk-scale` (on .app.talk, read by the charts and viewer too).
 */
import { useEffect } from 'react';
import { BackendBadge, Tagline } from './components/BackendBadge';
import { Charts } from './components/Charts';
import { FeatureLens } from './compare/FeatureLens';
import { Leaderboard } from './compare/Leaderboard';
import { QueuePanel } from './compare/QueuePanel';
import { ExportButtons } from './components/Controls';
import { DatasetPicker } from './components/DatasetPicker';
import { Errors } from './components/Errors';
import { ModelPicker } from './components/ModelPicker';
import { ProgressBars } from './components/ProgressBars';
import { RecipeForm } from './components/RecipeForm';
import { RunsList } from './components/RunsList';
import { Steps } from './components/Steps';
import { StoragePanel } from './components/StoragePanel';
import { Viewer } from './components/Viewer';
import { LabelWorkspace } from './label/LabelWorkspace';
import { useLabel } from './label/useLabel';
import { useLab } from './lab';

/** Before the first step of any run: one line saying what will appear, not five empty chart frames. */
export function App() {
  const talkMode = useLab((s) => s.talkMode);
  const setTalkMode = useLab((s) => s.setTalkMode);
  // the labelling workspace is a modal dialog (the page under it is inert): it shows the messages itself
  const labelling = useLabel((s) => s.open);

  useEffect(() => {
    // default page: the embedded demo, offline; the backend from the URL (?backend=wasm), else the last choice
    const choice = new URLSearchParams(location.search).get('backend');
    const s = useLab.getState();
    void s.openPage(choice === 'wasm' || choice === 'webgpu' || choice === 'auto' ? choice : s.backendChoice);
  }, []);

  return (
    <div className={talkMode ? 'app talk' : 'app'}>
      <nav className="skip-links" aria-label="Skip links">
        <a href="#train-step">Skip to Start</a>
        <a href="#viewer-region">Skip to the viewer</a>
      </nav>
      <header>
        <h1>VFM Lab</h1>
        <Tagline />
        <BackendBadge />
        <button type="button" className="secondary" aria-pressed={talkMode} onClick={() => {
          // talk mode: full screen (where the browser allows it) with large type
          if (!talkMode) void document.documentElement.requestFullscreen?.().catch(() => undefined);
          else if (document.fullscreenElement) void document.exitFullscreen();
          setTalkMode(!talkMode);
        }}>
          {talkMode ? 'Exit talk mode' : 'Talk mode'}
        </button>
      </header>
      {!labelling && <Errors />}
      <Steps talk={talkMode} />
      <main>
        {!talkMode && (
          <aside aria-label="Set-up">
            <div id="model-panel"><ModelPicker /></div>
            <div id="data-panel"><DatasetPicker /></div>
            <RecipeForm />
            <RunsList />
            <QueuePanel />
            <StoragePanel />
          </aside>
        )}
        <section className="work" aria-label="Training">
          <ProgressBars />
          <section id="viewer-region" aria-label="Viewer" tabIndex={-1}>
            <Viewer />
          </section>
          <FeatureLens />
          <Charts />
          <Leaderboard />
          {!talkMode && <ExportButtons />}
        </section>
      </main>
      <LabelWorkspace />
    </div>
  );
}
