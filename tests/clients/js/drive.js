// Frappe's JavaScript client (frappe-js-sdk), unchanged, against traciqo-rpc: one scenario,
// each step's outcome printed as one JSON object for tests/clients/test_frappe_clients.py.
// Usage: TRACIQO_URL=http://127.0.0.1:PORT TRACIQO_TOKEN=key:secret node drive.js
const { FrappeApp } = require("frappe-js-sdk");

const app = new FrappeApp(process.env.TRACIQO_URL, {
  useToken: true, token: () => process.env.TRACIQO_TOKEN, type: "token",
});
const db = app.db(), auth = app.auth(), call = app.call();
const outcomes = {};

async function step(label, run) {
  try {
    outcomes[label] = { ok: await run() };
  } catch (error) {
    outcomes[label] = { error: { httpStatus: error.httpStatus, exception: error.exception, message: error.message } };
  }
}

(async () => {
  await step("user", () => auth.getLoggedInUser());
  await step("create", () => db.createDoc("Product", { name: "Kettle", price: 12.5 }));
  await step("create_slash", () => db.createDoc("Product", { name: "Bolt 3/8 in", brand: "Acme" }));
  await step("duplicate", () => db.createDoc("Product", { name: "Kettle" }));
  await step("list_plain", () => db.getDocList("Product"));
  await step("list", () => db.getDocList("Product", {
    fields: ["name", "sku", "price"], filters: [["name", "like", "%t%"]],
    orderBy: { field: "creation", order: "desc" }, limit: 10,
  }));
  await step("list_as_lists", () => db.getDocList("Product", { fields: ["name"], asDict: false, limit_start: 1 }));
  await step("get_slash", () => db.getDoc("Product", "Bolt 3/8 in"));
  await step("count", () => db.getCount("Product"));
  await step("count_filtered", () => db.getCount("Product", [["name", "=", "Kettle"]]));
  await step("value", () => db.getValue("Product", "sku", [["name", "=", "Kettle"]]));
  await step("update", () => db.updateDoc("Product", "Kettle", { brand: "Acme" }));
  await step("set_value", () => db.setValue("Product", "Kettle", "warranty_months", 24));
  await step("registration", () => db.createDoc("Registration", { email: "tom@example.com", customer_name: "Tom" }));
  await step("delete", () => db.deleteDoc("Registration", outcomes.registration.ok.name));
  await step("missing", () => db.getDoc("Product", "Nope"));
  await step("refused", () => db.updateDoc("Product", "Kettle", { sku: "PRD-00042" }));
  await step("call", () => call.get("traciqo_rpc.api.whoami"));
  process.stdout.write(JSON.stringify(outcomes));
})();
