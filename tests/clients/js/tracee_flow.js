// Tracee's own integration code, from its documentation (the seed /work/shared/seeds/003), run
// against traciqo-rpc by tests/clients/test_tracee_clients.py. Plain Node 18+ (global fetch), no
// packages. Usage: TRACEE_BASE_URL=http://127.0.0.1:PORT TRACEE_API_KEY=key:secret node tracee_flow.js
//
// What differs from the page, and nothing else:
// - the base URL 'https://tracee.app' is read from TRACEE_BASE_URL;
// - the Firebase code is TypeScript on the page: its type annotations, the type-only
//   `export interface TraceeTracker` and the `!` non-null assertion are stripped to run it as
//   plain JS; it runs as a script, so its `export` keywords are dropped, and the
//   `firebase-functions` import is a stand-in whose config() holds what
//   `firebase functions:config:set tracee.api_key=...` would;
// - the page's own stand-ins, `db.orders.update` and `sendEmail`, only record their calls;
// - a driver at the end runs the flow and prints one JSON object.

const recorded = { orderUpdates: [], emails: [] };
const db = { orders: { update: async (id, fields) => { recorded.orderUpdates.push({ id, fields }); } } };
const sendEmail = async (message) => { recorded.emails.push(message); };
const functions = { config: () => ({ tracee: { api_key: process.env.TRACEE_API_KEY } }) };

// ---- The page's "E-commerce Integration" (the base URL from TRACEE_BASE_URL, below) ----

// When order is placed and payment confirmed
async function onOrderConfirmed(order) {
  // 1. Create tracker in Tracee
  const tracker = await fetch(`${TRACEE_BASE_URL}/api/v1/trackers/`, {
    method: 'POST',
    headers: {
      'X-API-Key': process.env.TRACEE_API_KEY,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      name: `Order #${order.id} - ${order.productName}`,
      template: '3d-printing',
    }),
  }).then(r => r.json());

  // 2. Store tracking URL in your order
  await db.orders.update(order.id, {
    traceeTrackingUrl: tracker.tracking_url,
    traceeTrackerId: tracker.id,
  });

  // 3. Include tracking link in confirmation email
  await sendEmail({
    to: order.customerEmail,
    subject: 'Order Confirmed!',
    body: `Track your order: ${tracker.tracking_url}`,
  });
}

// When order status changes
async function onOrderStatusChange(order, newStatus) {
  if (!order.traceeTrackerId) return;

  // Map your status to Tracee process updates
  const statusMap = {
    'printing': { process: '3D Printing', action: 'start' },
    'shipped': { process: 'Ready for Shipping', action: 'complete' },
  };

  const update = statusMap[newStatus];
  if (update) {
    await fetch(`${TRACEE_BASE_URL}/api/v1/trackers/${order.traceeTrackerId}/status/`, {
      method: 'POST',
      headers: {
        'X-API-Key': process.env.TRACEE_API_KEY,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(update),
    });
  }
}

// ---- The page's "Firebase / Node.js Integration" (traceeIntegration.ts), as plain JS ----

const TRACEE_API_KEY = functions.config().tracee?.api_key;
const TRACEE_BASE_URL = process.env.TRACEE_BASE_URL;

const createTracker = async (orderName) => {
  if (!TRACEE_API_KEY) {
    console.warn("Tracee API key not configured");
    return null;
  }

  const response = await fetch(`${TRACEE_BASE_URL}/api/v1/trackers/`, {
    method: "POST",
    headers: {
      "X-API-Key": TRACEE_API_KEY,
      "Content-Type": "application/json",
    },
    body: JSON.stringify({
      name: orderName,
      template: "3d-printing",
    }),
  });

  if (!response.ok) {
    throw new Error(`Tracee API error: ${response.status}`);
  }

  return response.json();
};

const updateStatus = async (
  trackerId,
  process,
  action
) => {
  await fetch(`${TRACEE_BASE_URL}/api/v1/trackers/${trackerId}/status/`, {
    method: "POST",
    headers: {
      "X-API-Key": TRACEE_API_KEY,
      "Content-Type": "application/json",
    },
    body: JSON.stringify({ process, action }),
  });
};

// ---- Driver: an order placed, printed and shipped, through each integration ----

(async () => {
  const order = { id: 1234, productName: 'Blue Vase', customerEmail: 'ann@example.com' };
  await onOrderConfirmed(order);
  Object.assign(order, recorded.orderUpdates[0].fields);  // what the shop's database now holds
  await onOrderStatusChange(order, 'printing');
  await onOrderStatusChange(order, 'shipped');
  await onOrderStatusChange(order, 'refunded');  // not in the page's map: no call

  const firebase = await createTracker('Order #5678 - Custom Chess Set');
  await updateStatus(firebase.id, '3D Printing', 'start');
  await updateStatus(firebase.id, 'Ready for Shipping', 'complete');

  process.stdout.write(JSON.stringify({ ...recorded, firebase }));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
