export default function SiteSettingsPage() {
  return (
    <section class="card">
      <h1>SiteSettingsPage</h1>
      <p class="muted">Arrives with the agent API.</p>
    </section>
  );
}
