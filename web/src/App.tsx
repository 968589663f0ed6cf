export function App() {
  return (
    <main>
      <h1>Gantry</h1>
      <p>Self-service VMs for your datacenter.</p>
    </main>
  );
}
