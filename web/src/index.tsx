import { Router } from "@solidjs/router";
import { render } from "solid-js/web";
import { routes } from "./routes.ts";
import "./styles/tokens.css";
import "./styles/base.css";
import "./styles/layout.css";
import "./styles/controls.css";
import "./styles/components.css";
import "./styles/stepper.css";
import "./styles/vm.css";
import "./styles/notifications.css";

const root = document.getElementById("root");
if (root) render(() => <Router>{routes}</Router>, root);
