// Settings > Crons: the registered cron jobs (built-in and the app's own), each runnable now.
import { html, useState, useEffect } from "../../html.js";
import { pb, errorMessage } from "../../pb.js";
import { toast } from "../../toasts.js";
import { Button } from "../../components/button.js";

export default function Crons() {
  const [jobs, setJobs] = useState(null);
  const [running, setRunning] = useState("");
  const load = () => pb.crons.getFullList().then(setJobs, (err) => { setJobs([]); toast(errorMessage(err), "error"); });
  useEffect(() => { load(); }, []);
  async function run(id) {
    setRunning(id);
    try {
      await pb.crons.run(id);
      toast(`Successfully triggered ${id}.`);
    } catch (err) {
      toast(errorMessage(err), "error");
    } finally {
      setRunning("");
    }
  }
  return html`<div class="panel stack">
    <div class="row"><p class="muted grow">Jobs run on their schedule (UTC). "Run" starts one now, in the background.</p>
      <${Button} onClick=${load}>Refresh<//></div>
    ${jobs === null ? html`<p class="loading">Loading…</p>` : jobs.length === 0 ? html`<p class="muted">No app crons found.</p>` : html`
    <div class="table-wrap"><table class="table" aria-label="Crons">
      <thead><tr><th scope="col">Job</th><th scope="col">Schedule</th><th scope="col" aria-label="Actions"></th></tr></thead>
      <tbody>${jobs.map((j) => html`<tr key=${j.id}><td><code>${j.id}</code></td><td><code>${j.expression}</code></td>
        <td><${Button} class="btn-sm" busy=${running === j.id} aria-label=${"Run " + j.id} onClick=${() => run(j.id)}>Run<//></td></tr>`)}</tbody>
    </table></div>`}
  </div>`;
}
