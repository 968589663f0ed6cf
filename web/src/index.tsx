import { render } from "solid-js/web";
import "./styles/tokens.css";
import "./styles/base.css";
import "./styles/layout.css";
import "./styles/controls.css";
import "./styles/components.css";
import "./styles/stepper.css";

const root = document.getElementById("root");
if (root) {
  render(
    () => (
      <main class="app-main">
        <h1>Gantry</h1>
        <p>Self-service VMs for your datacenter.</p>
      </main>
    ),
    root,
  );
}
