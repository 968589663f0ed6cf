export default function AgentsPage() {
  return (
    <section class="card">
      <h1>AgentsPage</h1>
      <p class="muted">Arrives with the agent API.</p>
    </section>
  );
}
