/**
 * Demo data for AutoCRM.
 *
 * The demo tenant supports "Lumen", a fictional cloud invoicing and payments
 * app for small businesses (plans: Starter, Growth, Scale). Everything here is
 * invented. Knowledge-base articles that match these tickets live in
 * kb/articles/*.md.
 *
 * This module has no imports and exports plain data only; the seed script
 * turns `daysAgo` / `minutesAfterCreate` into timestamps relative to "now".
 */

export type DemoRole = "customer" | "agent" | "admin";

export interface DemoUser {
  key: string;
  email: string;
  fullName: string;
  role: DemoRole;
  teams?: string[];
  preferredLanguage?: string;
  identities?: { kind: "email" | "phone" | "slack" | "whatsapp"; value: string }[];
}

export interface DemoTeam {
  key: string;
  name: string;
  description: string;
  skills: string[];
}

export interface DemoMessage {
  author: string /* user key, or "system" */;
  body: string;
  isInternal?: boolean;
  minutesAfterCreate: number;
}

export interface DemoTicket {
  key: string;
  customer: string /* user key */;
  subject: string;
  description: string;
  status: "new" | "open" | "pending" | "resolved" | "closed";
  priority: "low" | "medium" | "high" | "urgent";
  channel: "web" | "email" | "chat" | "api" | "widget";
  team?: string /* team key */;
  assignee?: string /* agent key */;
  tags: string[];
  daysAgo: number;
  messages: DemoMessage[];
  csat?: { rating: 1 | 2 | 3 | 4 | 5; comment?: string };
}

export const DEMO_PASSWORD = "demo-password-123";

// ---------------------------------------------------------------------------
// Teams
// ---------------------------------------------------------------------------

export const demoTeams: DemoTeam[] = [
  {
    key: "billing",
    name: "Billing",
    description:
      "Lumen subscription billing and money movement: charges and invoices from Lumen, refunds, duplicate charges, payment methods, failed payments and read-only/suspended workspaces, plan upgrades, downgrades, pauses and cancellations, seats pricing, VAT and sales tax, payout bank accounts and missing payouts.",
    skills: ["refunds", "invoices", "payment-methods", "dunning", "plans", "vat-tax", "payouts"],
  },
  {
    key: "technical",
    name: "Technical",
    description:
      "Product and platform issues: outages and 500 errors, REST API and API keys, rate limits (429), webhooks, accounting integrations (Xero, QuickBooks Online) and sync errors, SAML single sign-on, invoice email deliverability (SPF/DKIM, bounces), CSV imports and exports, and mobile app bugs.",
    skills: ["api", "webhooks", "integrations", "sso", "email-deliverability", "mobile", "import-export", "incidents"],
  },
  {
    key: "accounts",
    name: "Accounts",
    description:
      "User accounts and access: sign-in problems, password resets and lockouts, two-factor authentication (2FA), changing the sign-in email, inviting team members, roles and seats, GDPR data requests and account deletion, and security concerns such as leaked credentials.",
    skills: ["login", "2fa", "team-management", "gdpr", "security", "identity-verification"],
  },
];

// ---------------------------------------------------------------------------
// Users
// ---------------------------------------------------------------------------

export const demoUsers: DemoUser[] = [
  {
    key: "ada",
    email: "admin@autocrm.local",
    fullName: "Ada Admin",
    role: "admin",
    preferredLanguage: "en",
  },
  {
    key: "alice",
    email: "alice@autocrm.local",
    fullName: "Alice Moreau",
    role: "agent",
    teams: ["billing", "accounts"],
    preferredLanguage: "en",
  },
  {
    key: "bob",
    email: "bob@autocrm.local",
    fullName: "Bob Okafor",
    role: "agent",
    teams: ["technical"],
    preferredLanguage: "en",
  },
  {
    key: "carla",
    email: "carla@autocrm.local",
    fullName: "Carla Jiménez",
    role: "agent",
    teams: ["billing"],
    preferredLanguage: "es",
  },
  {
    key: "dev",
    email: "dev@autocrm.local",
    fullName: "Dev Patel",
    role: "agent",
    teams: ["technical", "accounts"],
    preferredLanguage: "en",
  },
  {
    key: "maria",
    email: "maria@acme.example",
    fullName: "Maria Garcia",
    role: "customer",
    preferredLanguage: "es",
    identities: [
      { kind: "email", value: "maria@acme.example" },
      { kind: "phone", value: "+15555550101" },
      { kind: "whatsapp", value: "+15555550101" },
    ],
  },
  {
    key: "li",
    email: "li@globex.example",
    fullName: "Li Wei",
    role: "customer",
    preferredLanguage: "en",
    identities: [
      { kind: "email", value: "li@globex.example" },
      { kind: "slack", value: "U04GLXLIWEI" },
      { kind: "phone", value: "+15555550142" },
    ],
  },
  {
    key: "sam",
    email: "sam@initech.example",
    fullName: "Sam Turner",
    role: "customer",
    preferredLanguage: "en",
    identities: [
      { kind: "email", value: "sam@initech.example" },
      { kind: "email", value: "it-admin@initech.example" },
      { kind: "phone", value: "+15555550177" },
      { kind: "slack", value: "U07INITSAM" },
    ],
  },
];

// ---------------------------------------------------------------------------
// Tickets
//
// Customers: Maria runs Acme (moved Starter -> Growth two weeks ago),
// Li runs finance/IT at Globex (Growth, heavy API user, QuickBooks),
// Sam is IT admin at Initech (Scale, SSO with Okta, Xero).
// ---------------------------------------------------------------------------

const AUTO_ACK_EMAIL =
  "Thanks for contacting Lumen Support. We've received your request and a member of our team will reply soon. You can reply to this email to add more details.";
const AUTO_ACK_CHAT =
  "You're chatting with Lumen Support. All agents are busy right now; we'll reply here, or by email if you leave the chat.";

export const demoTickets: DemoTicket[] = [
  // ----------------------------------------------------------------- new ---
  {
    key: "t-export-stuck",
    customer: "li",
    subject: "Full data export never arrived",
    description:
      "Yesterday I started an export of Everything with invoice PDFs (Settings → Data → Export) for our auditors. It still says \"Processing\" and no email has arrived. We have around 14,000 invoices. Is it stuck? The auditors need the files by Friday.",
    status: "new",
    priority: "medium",
    channel: "email",
    tags: ["export", "csv", "data"],
    daysAgo: 1,
    messages: [{ author: "system", body: AUTO_ACK_EMAIL, minutesAfterCreate: 1 }],
  },
  {
    key: "t-accountant-locked-out",
    customer: "sam",
    subject: "Accountant locked out after too many password attempts",
    description:
      "Our external accountant (she has the Accountant role and doesn't sign in through our Okta SSO) gets \"Your account is temporarily locked\". She needs to review the quarter close today. How do we unlock her?",
    status: "new",
    priority: "high",
    channel: "widget",
    tags: ["login", "locked-out", "password"],
    daysAgo: 1,
    messages: [
      { author: "system", body: AUTO_ACK_EMAIL, minutesAfterCreate: 1 },
      {
        author: "sam",
        body: "Update: she waited 15 minutes as the message said, and now she isn't sure of the password at all. Can you just reset it for her?",
        minutesAfterCreate: 22,
      },
    ],
  },
  {
    key: "t-scale-sso-question",
    customer: "maria",
    subject: "Does the Scale plan include SSO with Google Workspace?",
    description:
      "We're growing and thinking about moving to Scale. Does it include single sign-on with Google Workspace? And if we upgrade, do we keep our current invoices, customers and integrations?",
    status: "new",
    priority: "low",
    channel: "chat",
    tags: ["plans", "sso", "presales"],
    daysAgo: 1,
    messages: [{ author: "system", body: AUTO_ACK_CHAT, minutesAfterCreate: 0 }],
  },
  {
    key: "t-api-key-leaked",
    customer: "li",
    subject: "Live API key accidentally pushed to a public GitHub repo",
    description:
      "One of our developers pushed our live API key (the one named \"Globex ERP sync\", starts with lum_live_) to a public GitHub repository about 30 minutes ago. We've removed the commit. What should we do now, and can you check whether anyone else used the key?",
    status: "new",
    priority: "urgent",
    channel: "email",
    tags: ["api", "api-keys", "security"],
    daysAgo: 1,
    messages: [
      { author: "system", body: AUTO_ACK_EMAIL, minutesAfterCreate: 1 },
      {
        author: "li",
        body: "We've already clicked Revoke on the key and created a new one. I'd still like to know if there were any API calls we didn't make in the last hour.",
        minutesAfterCreate: 12,
      },
    ],
  },
  {
    key: "t-pdf-download-es",
    customer: "maria",
    subject: "No puedo descargar la factura en PDF",
    description:
      "Hola, intento descargar nuestra factura de Lumen del mes pasado desde Configuración → Facturación → Historial de facturas, pero al hacer clic en \"Descargar PDF\" no pasa nada. Lo he probado en Chrome y en Safari. Necesito la factura para nuestra contabilidad antes del viernes. Gracias, Maria",
    status: "new",
    priority: "medium",
    channel: "email",
    tags: ["invoice", "pdf", "spanish"],
    daysAgo: 1,
    messages: [{ author: "system", body: AUTO_ACK_EMAIL, minutesAfterCreate: 1 }],
  },
  {
    key: "t-recurring-autopay-request",
    customer: "sam",
    subject: "Feature request: recurring invoices that charge the card automatically",
    description:
      "We bill several clients the same amount every month. It would save us hours if Lumen could create the invoice and charge the client's saved card automatically on a schedule. Is this on the roadmap?",
    status: "new",
    priority: "low",
    channel: "widget",
    tags: ["feature-request", "recurring-invoices"],
    daysAgo: 2,
    messages: [{ author: "system", body: AUTO_ACK_EMAIL, minutesAfterCreate: 1 }],
  },

  // ---------------------------------------------------------------- open ---
  {
    key: "t-api-rate-limit",
    customer: "li",
    subject: "Nightly invoice sync failing with 429 rate_limit_exceeded",
    description:
      "Our ERP integration creates invoices in Lumen every night around 02:00 UTC. Since last week about a third of the requests fail with HTTP 429 and the error code rate_limit_exceeded. We send roughly 900 requests within a few minutes. We're on the Growth plan. Is there a way to raise the limit?",
    status: "open",
    priority: "medium",
    channel: "api",
    team: "technical",
    assignee: "bob",
    tags: ["api", "rate-limit", "integration"],
    daysAgo: 3,
    messages: [
      {
        author: "bob",
        body: "Hi Li, thanks for the details. On Growth the limit is 60 requests per minute per workspace (with a short burst of 20 per second), shared across all your API keys, so 900 requests in a few minutes will hit it. A few options:\n\n1. Respect the Retry-After header on 429 responses and back off before retrying.\n2. If the job reads records one at a time, switch to the list endpoints with limit=100.\n3. Spread the job over about 20 minutes.\n\nThe Scale plan raises the limit to 300 per minute. Could you tell me whether the 900 calls are all invoice creates, or a mix of reads and writes?",
        minutesAfterCreate: 95,
      },
      {
        author: "bob",
        body: "Globex is on Growth (60 rpm). Request log shows a GET /v1/customers/{id} before every POST /v1/invoices, so half the volume is lookups. Push list + cache before offering a temporary limit bump. Don't offer a free Scale upgrade.",
        isInternal: true,
        minutesAfterCreate: 100,
      },
      {
        author: "li",
        body: "About half are GET /v1/customers/{id} lookups before each create. We can cache those, but our next release is in 10 days. Could you temporarily raise our limit until then?",
        minutesAfterCreate: 610,
      },
    ],
  },
  {
    key: "t-xero-tax-rate",
    customer: "sam",
    subject: "Invoices not syncing to Xero – \"Tax rate not found\"",
    description:
      "Since we added a new \"CA Sales Tax 8.75%\" rate in Lumen, every invoice that uses it has a yellow \"Not synced\" badge. The sync log says \"Tax rate not found\". Other invoices sync fine.",
    status: "open",
    priority: "medium",
    channel: "web",
    team: "technical",
    assignee: "dev",
    tags: ["integrations", "xero", "sync", "tax"],
    daysAgo: 4,
    messages: [
      {
        author: "dev",
        body: "Hi Sam, that error means the new Lumen tax rate isn't mapped to a tax rate in Xero yet. Go to Settings → Integrations → Xero → Tax mapping, map \"CA Sales Tax 8.75%\" to the matching rate in Xero (create it in Xero first if it doesn't exist), click Save mapping, then click \"Retry failed items\" on the Sync log tab.",
        minutesAfterCreate: 300,
      },
      {
        author: "sam",
        body: "Mapped it and retried. 12 of 14 invoices synced, but 2 still fail, now with \"Account code is archived or does not exist\". Log IDs SYNC-88120 and SYNC-88121.",
        minutesAfterCreate: 1500,
      },
    ],
  },
  {
    key: "t-sso-cert-rotation",
    customer: "sam",
    subject: "SSO broken after Okta certificate rotation – nobody can log in",
    description:
      "This morning our IT team rotated the Okta signing certificate. Since then everyone at Initech gets \"SAML response signature is invalid\" when signing in to Lumen. 14 people are blocked and we have invoices due today.",
    status: "open",
    priority: "urgent",
    channel: "email",
    team: "technical",
    assignee: "dev",
    tags: ["sso", "saml", "okta", "login"],
    daysAgo: 1,
    messages: [
      {
        author: "dev",
        body: "Hi Sam, this is caused by the certificate rotation: Lumen still has the old Okta certificate, so it rejects the new signatures. An Owner needs to upload the new certificate. Because nobody can get in through SSO, use break-glass access:\n\n1. Go to https://app.lumen.example/login?bypass_sso=1\n2. Sign in with your email, password and 2FA code.\n3. Download the new signing certificate from Okta.\n4. In Lumen go to Settings → Security → Single sign-on → Edit, upload it and click Save.\n\nYour team can sign in normally right after that.",
        minutesAfterCreate: 18,
      },
      {
        author: "dev",
        body: "Initech is on Scale; Sam is an Owner who set a password + 2FA before SSO was enforced, so bypass should work. If it doesn't, escalate to Tier 2 — do NOT disable SSO for them from admin tools without Owner verification.",
        isInternal: true,
        minutesAfterCreate: 20,
      },
      {
        author: "sam",
        body: "Bypass worked, thanks. But uploading the certificate gives \"Certificate is not a valid X.509 PEM file\". Okta gave us a .cer file.",
        minutesAfterCreate: 55,
      },
    ],
  },
  {
    key: "t-change-login-email",
    customer: "li",
    subject: "Change my sign-in email – company moving to a new domain",
    description:
      "Globex is moving from globex.example to globex-group.example. How do I change the email address I use to sign in to Lumen? I don't see an option in my profile. I'm the workspace Owner.",
    status: "open",
    priority: "medium",
    channel: "web",
    team: "accounts",
    assignee: "alice",
    tags: ["account", "email-change", "login"],
    daysAgo: 2,
    messages: [
      {
        author: "alice",
        body: "No KB article for changing the sign-in email (gap, flagged to docs). Not self-service yet: verify the request came from the OLD address, then trigger the confirmation link to the new address from admin tools. Li wrote from li@globex.example (current address), so OK to proceed.",
        isInternal: true,
        minutesAfterCreate: 90,
      },
      {
        author: "alice",
        body: "Hi Li, thanks for reaching out. Changing the sign-in email isn't self-service yet, but I can do it for you. As your request came from your current address, I'll send a confirmation link to the new one. Please reply with the exact new address. After the change you'll sign in with the new address; your password and 2FA stay the same.",
        minutesAfterCreate: 95,
      },
      {
        author: "li",
        body: "The new address is li.wei@globex-group.example. Will our team invitations, webhooks or API keys be affected by the change?",
        minutesAfterCreate: 400,
      },
    ],
  },
  {
    key: "t-ios-attachment-crash",
    customer: "sam",
    subject: "iPhone app crashes when opening invoices with attachments",
    description:
      "The Lumen iPhone app closes immediately when I open certain invoices. It seems to be the ones where we attached a PDF contract. iPhone 13, app version 4.8.1.",
    status: "open",
    priority: "high",
    channel: "chat",
    team: "technical",
    assignee: "bob",
    tags: ["mobile", "ios", "bug", "attachments"],
    daysAgo: 3,
    messages: [
      {
        author: "bob",
        body: "Hi Sam, thanks, that's really helpful detail. Roughly how large are the attached PDFs, and does the same invoice open on the web app? As a workaround, those invoices should open fine at app.lumen.example in your phone's browser.",
        minutesAfterCreate: 12,
      },
      {
        author: "sam",
        body: "Web works fine. The PDFs are scanned contracts, about 9–12 MB each.",
        minutesAfterCreate: 25,
      },
      {
        author: "bob",
        body: "Reproduced on iOS 17.4 / app 4.8.1 with attachments > 8 MB: crash in the attachment preview. Filed MOB-1432 with the mobile team. Fix is targeted for the next release but NOT confirmed — don't promise a version or date.",
        isInternal: true,
        minutesAfterCreate: 60,
      },
      {
        author: "bob",
        body: "I've reproduced the crash: it happens in the iPhone app with attachments over about 8 MB. I've reported it to our mobile team with your details. Until it's fixed, please open those invoices in the browser, or compress the PDFs below 8 MB. I'll update you here as soon as a fix is released.",
        minutesAfterCreate: 65,
      },
    ],
  },
  {
    key: "t-microdeposits",
    customer: "maria",
    subject: "Micro-deposits for bank verification – \"Amounts do not match\"",
    description:
      "I added our new business bank account for payouts on Monday using manual entry. It said two small deposits would arrive in 1–2 business days, but I can't see anything after 4 days.",
    status: "open",
    priority: "medium",
    channel: "web",
    team: "billing",
    assignee: "carla",
    tags: ["payouts", "bank-account", "verification"],
    daysAgo: 4,
    messages: [
      {
        author: "carla",
        body: "Hi Maria, I can see the two micro-deposits were sent on Tuesday to the account ending 4471. They show on bank statements as \"LUMEN VERIFY\", and some banks list them under pending or ACH credits. Could you check for that description? If you still can't find them, please confirm the last 4 digits of the account and the routing number so I can check they were entered correctly.",
        minutesAfterCreate: 240,
      },
      {
        author: "maria",
        body: "Found them, they were under \"ACH credits\". But when I enter the amounts it says \"Amounts do not match\" and that I have 2 attempts left. I typed 0.32 and 0.45.",
        minutesAfterCreate: 900,
      },
      {
        author: "carla",
        body: "Amounts on our side are 0.32 and 0.45, so she has the right numbers. The verify form currently expects cents (32 and 45) — known UX issue VER-UX-77. Walk her through it before she uses another attempt; after 3 failures the account locks and she has to start over.",
        isInternal: true,
        minutesAfterCreate: 920,
      },
    ],
  },
  {
    key: "t-webhook-signature",
    customer: "sam",
    subject: "Webhook signature verification fails in our Node.js handler",
    description:
      "Our webhook handler rejects every Lumen event with \"signature mismatch\". We use Express with express.json() and compute an HMAC of JSON.stringify(req.body) using the endpoint's signing secret. The secret is definitely correct.",
    status: "open",
    priority: "medium",
    channel: "api",
    team: "technical",
    assignee: "bob",
    tags: ["webhooks", "api", "signature"],
    daysAgo: 1,
    messages: [
      {
        author: "bob",
        body: "Hi Sam, the likely culprit is express.json(): it parses the body, and JSON.stringify(req.body) doesn't reproduce the exact bytes we signed (whitespace and key order can differ). Compute the signature over the raw body instead, for example by using express.raw({ type: 'application/json' }) on the webhook route, verifying against the raw Buffer, and only parsing the JSON after verification passes. Also check your server clock: our libraries reject events older than 5 minutes.",
        minutesAfterCreate: 45,
      },
      {
        author: "sam",
        body: "Switched to express.raw on that route and test events now verify. Live events still fail though. Is the signing secret different for live?",
        minutesAfterCreate: 200,
      },
    ],
  },

  // ------------------------------------------------------------- pending ---
  {
    key: "t-2fa-lost-phone",
    customer: "maria",
    subject: "Lost my phone – can't get my 2FA code to sign in",
    description:
      "My phone was stolen yesterday and I can't sign in to Lumen because it asks for the authenticator code. I'm the owner of our workspace (Acme Corp) and I need to send invoices this week. Please help!",
    status: "pending",
    priority: "high",
    channel: "web",
    team: "accounts",
    assignee: "alice",
    tags: ["2fa", "login", "identity-verification"],
    daysAgo: 2,
    messages: [
      {
        author: "alice",
        body: "Hi Maria, I'm sorry about your phone. There are two quick ways back in:\n\n- On the code screen, click \"Use a backup code\" and enter one of the 10 backup codes you saved when you turned on 2FA.\n- If another Owner or Admin in your workspace can sign in, they can reset your 2FA under Settings → Team → (your name) → Reset 2FA.\n\nDoes either of those work for you?",
        minutesAfterCreate: 40,
      },
      {
        author: "maria",
        body: "I never saved the backup codes and I'm the only admin :(",
        minutesAfterCreate: 180,
      },
      {
        author: "alice",
        body: "Maria is the only Owner of the Acme workspace and has no backup codes → ID verification required before removing 2FA. Do NOT disable 2FA on an email request alone. Sent secure verification form VER-3391.",
        isInternal: true,
        minutesAfterCreate: 200,
      },
      {
        author: "alice",
        body: "Thanks, Maria. Because you're the only Owner, we need to verify your identity before we can remove 2FA; this protects your customers' payment data. I've sent a secure verification form to maria@acme.example. Once you upload a photo ID matching the name on the account, we'll process it within 1–2 business days. Tip for later: add a second Admin so a lost phone can't lock the whole workspace out again.",
        minutesAfterCreate: 210,
      },
    ],
  },
  {
    key: "t-reverse-charge",
    customer: "li",
    subject: "Reverse charge note for a customer in Germany",
    description:
      "We're VAT registered in Ireland and just started invoicing a company in Germany. Our accountant says the reverse charge applies. How do I get that on the invoice? At the moment Lumen adds 23% VAT.",
    status: "pending",
    priority: "medium",
    channel: "email",
    team: "billing",
    assignee: "alice",
    tags: ["vat", "tax", "reverse-charge", "invoices"],
    daysAgo: 5,
    messages: [
      {
        author: "alice",
        body: "Hi Li, here's how to set it up:\n\n1. Open the German customer under Customers → (customer) → Tax details and add their VAT number (it starts with DE).\n2. On the invoice, choose the built-in \"Reverse charge (0%)\" rate instead of your 23% rate.\n\nLumen then adds the note \"VAT reverse charged: the recipient is liable to account for VAT\" automatically. For the invoice you already sent with 23% VAT, void it and issue a new one. Could you let me know once you've tried it, so I can confirm the note looks right?",
        minutesAfterCreate: 200,
      },
      {
        author: "li",
        body: "Thanks! I'll try it when I'm back in the office on Thursday.",
        minutesAfterCreate: 1500,
      },
      {
        author: "alice",
        body: "Sounds good. I'll keep this ticket open until then; just reply here if anything looks off.",
        minutesAfterCreate: 1530,
      },
    ],
  },
  {
    key: "t-invoices-in-spam",
    customer: "maria",
    subject: "Clients say my invoices end up in spam",
    description:
      "Several of my clients told me Lumen invoice emails go to their spam folder, and one says she never got hers at all. What can I do?",
    status: "pending",
    priority: "medium",
    channel: "widget",
    team: "technical",
    assignee: "bob",
    tags: ["email", "deliverability", "spam", "dns"],
    daysAgo: 5,
    messages: [
      {
        author: "bob",
        body: "Hi Maria, I checked your last 50 invoice emails: 49 were accepted by the recipients' mail servers, and 1 hard-bounced with \"550 5.1.1 User unknown\" (to acc0unts@brightside.example, which looks like a typo with a zero). Fix that address on the customer record and click Resend.\n\nFor the ones landing in spam: since you're on Growth you can send invoices from your own domain. Go to Settings → Email → Sending domain and add the SPF TXT record and the two DKIM CNAME records we show you. Let me know once the records are in place and I'll check the verification.",
        minutesAfterCreate: 120,
      },
      {
        author: "maria",
        body: "Fixed the typo and resent, thanks. I've asked our web agency to add the DNS records and will tell you when it's done.",
        minutesAfterCreate: 300,
      },
      {
        author: "bob",
        body: "Great, thanks Maria. The resent invoice was delivered. I'll keep this ticket waiting for you: once your agency has added the records, click Verify records under Settings → Email → Sending domain (it can take up to 48 hours for DNS to update) and reply here if it doesn't turn green.",
        minutesAfterCreate: 320,
      },
    ],
  },
  {
    key: "t-annual-renewal-refund",
    customer: "sam",
    subject: "Refund for annual renewal – we wanted monthly billing",
    description:
      "Our annual Scale plan renewed 9 days ago ($990). We'd decided to move to monthly billing but forgot to switch before the renewal. Can we get a refund and move to monthly?",
    status: "pending",
    priority: "medium",
    channel: "email",
    team: "billing",
    assignee: "carla",
    tags: ["refund", "annual-plan", "plan-change"],
    daysAgo: 7,
    messages: [
      {
        author: "carla",
        body: "Renewed 9 days ago, inside the 14-day window, BUT the workspace has been used since renewal (41 invoices sent), so per policy this is a prorated refund, not full. Waiting on team lead approval for the amount — don't quote a figure yet.",
        isInternal: true,
        minutesAfterCreate: 90,
      },
      {
        author: "carla",
        body: "Hi Sam, thanks for explaining. Because the renewal was less than 14 days ago we can help, but since the workspace has been used after the renewal, the refund will be prorated rather than full. I'm confirming the exact amount with our billing lead. Meanwhile, could you confirm that you'd like to move to monthly Scale ($99/month) from today, and whether you want to keep all 14 seats?",
        minutesAfterCreate: 100,
      },
    ],
  },
  {
    key: "t-payout-returned",
    customer: "sam",
    subject: "Payout hasn't arrived after 5 business days",
    description:
      "A payout of $4,830.50 from last Tuesday shows as \"Paid\" in Lumen but never arrived in our bank account. Payouts usually take 2 business days.",
    status: "pending",
    priority: "high",
    channel: "chat",
    team: "billing",
    assignee: "alice",
    tags: ["payouts", "bank-account"],
    daysAgo: 8,
    messages: [
      {
        author: "alice",
        body: "Hi Sam, let me look into that payout for you. One moment.",
        minutesAfterCreate: 10,
      },
      {
        author: "alice",
        body: "Payout po_8812 was returned by the bank with code R03 (no account / unable to locate account). Funds are back in their Lumen balance and will be retried once the payout account is updated. Don't say the money is 'lost' — it's safe.",
        isInternal: true,
        minutesAfterCreate: 25,
      },
      {
        author: "alice",
        body: "Thanks for waiting. Your bank returned that payout because the receiving account couldn't be found, which usually means the account was closed or its details changed. The money is safe and back in your Lumen balance. Has Initech changed bank accounts recently? If so, an Owner can update it in Settings → Payments → Payout account, and the returned amount is retried automatically within 2 business days after that.",
        minutesAfterCreate: 30,
      },
    ],
  },

  // ------------------------------------------------------------ resolved ---
  {
    key: "t-double-charge",
    customer: "maria",
    subject: "Charged twice after upgrading to Growth",
    description:
      "Hi, after upgrading from Starter to Growth two days ago our company card was charged $18.20 twice (both show as LUMEN* SUBSCRIPTION on the statement). We only have one workspace, Acme Corp. Can you refund the duplicate? The invoice number is LUM-2024-004512. Thanks, Maria",
    status: "resolved",
    priority: "high",
    channel: "email",
    team: "billing",
    assignee: "carla",
    tags: ["refund", "duplicate-charge", "billing"],
    daysAgo: 12,
    messages: [
      {
        author: "carla",
        body: "Hi Maria, thanks for flagging this and sorry for the trouble. I can see two successful charges of $18.20 for the same upgrade on your workspace. I'm checking why the second one happened and will get back to you today.",
        minutesAfterCreate: 45,
      },
      {
        author: "carla",
        body: "Checked Stripe logs: the first charge timed out on our side and the retry job charged again 2 minutes later; both captured. Duplicate belongs to LUM-2024-004513. Refund issued as credit note CN-000871. Standard 5–10 business days — don't promise a specific date.",
        isInternal: true,
        minutesAfterCreate: 60,
      },
      {
        author: "carla",
        body: "Good news: I've refunded the duplicate charge of $18.20 in full. You'll get an email titled \"Your refund has been issued\" with credit note CN-000871. Card refunds usually appear within 5–10 business days, depending on your bank. The double charge was caused by a retry on our side, which our engineers have fixed.",
        minutesAfterCreate: 75,
      },
      {
        author: "maria",
        body: "Thank you Carla, I got the credit note. Appreciate the quick help!",
        minutesAfterCreate: 310,
      },
    ],
    csat: { rating: 5, comment: "Fast and clear, the refund showed up in 6 days." },
  },
  {
    key: "t-dashboard-500",
    customer: "sam",
    subject: "Lumen is down – 500 error on every page",
    description:
      "Every page in Lumen shows \"Something went wrong (500 error)\". We need to send our month-end invoices today. Is Lumen down?",
    status: "resolved",
    priority: "urgent",
    channel: "chat",
    team: "technical",
    assignee: "dev",
    tags: ["outage", "500-error", "incident"],
    daysAgo: 20,
    messages: [
      {
        author: "dev",
        body: "Hi Sam, thanks for reporting this. We're seeing elevated 500 errors for some workspaces right now and our engineers are working on it. You can follow updates on status.lumen.example. I'll update you here as soon as I know more.",
        minutesAfterCreate: 6,
      },
      {
        author: "dev",
        body: "Incident INC-2291: EU primary database failover, ~15% of workspaces affected including Initech. Link the status page; NO ETA yet — don't give one.",
        isInternal: true,
        minutesAfterCreate: 10,
      },
      {
        author: "dev",
        body: "Update: the issue is fixed and all pages should load normally again. No invoices or payments were lost during the incident. Could you check on your side?",
        minutesAfterCreate: 58,
      },
      {
        author: "sam",
        body: "All working again and the month-end invoices are going out. Thanks for the updates.",
        minutesAfterCreate: 64,
      },
    ],
    csat: { rating: 4, comment: "Quick updates, but an outage on month-end day hurts." },
  },
  {
    key: "t-webhooks-disabled",
    customer: "li",
    subject: "Webhooks stopped arriving since Tuesday",
    description:
      "We haven't received any invoice.paid webhooks since Tuesday morning, so our fulfilment system isn't releasing orders. Nothing changed in our code. The endpoint is https://hooks.globex.example/lumen.",
    status: "resolved",
    priority: "high",
    channel: "email",
    team: "technical",
    assignee: "bob",
    tags: ["webhooks", "api", "tls"],
    daysAgo: 9,
    messages: [
      {
        author: "bob",
        body: "Hi Li, I checked the Deliveries tab for that endpoint: every attempt since Tuesday 06:14 UTC failed with \"TLS handshake failed\", and after 3 days of failures the endpoint was disabled automatically (you should have received \"Your webhook endpoint has been disabled\"). It looks like the SSL certificate on hooks.globex.example expired on Tuesday. Could you renew it? Then click Enable endpoint in Settings → Developers → Webhooks and I'll help you get the missed events.",
        minutesAfterCreate: 50,
      },
      {
        author: "li",
        body: "You're right, our certificate renewal job failed. Renewed and re-enabled the endpoint. How do we get the missed events?",
        minutesAfterCreate: 240,
      },
      {
        author: "bob",
        body: "Great. Events from the disabled period aren't resent automatically, so I've resent all 37 missed invoice.paid events from our side; they show 200 OK in the Deliveries tab. As always, use the event id to ignore duplicates in case any arrive twice.",
        minutesAfterCreate: 270,
      },
      {
        author: "li",
        body: "All 37 processed and orders released. Thanks Bob!",
        minutesAfterCreate: 300,
      },
    ],
    csat: { rating: 5, comment: "Bob found the root cause in minutes." },
  },
  {
    key: "t-accountant-seats",
    customer: "li",
    subject: "Adding two bookkeepers – do we need more seats?",
    description:
      "We're on Growth and all 5 of our seats are in use. Our external bookkeepers (2 people) need to see invoices and export reports. Do I have to buy 2 extra seats?",
    status: "resolved",
    priority: "low",
    channel: "widget",
    team: "accounts",
    assignee: "alice",
    tags: ["seats", "team", "roles"],
    daysAgo: 15,
    messages: [
      {
        author: "alice",
        body: "Hi Li, good news: you don't need extra seats for this. If your bookkeepers only need to view invoices, payments and reports and run exports, invite them with the Accountant role. Every workspace can have up to 2 Accountants for free, and they don't use a paid seat. Go to Settings → Team → Invite member, enter their emails and choose \"Accountant\".",
        minutesAfterCreate: 30,
      },
      {
        author: "li",
        body: "Perfect, I invited both as Accountants and it didn't ask for seats. Thanks!",
        minutesAfterCreate: 90,
      },
    ],
    csat: { rating: 5, comment: "Saved us $18 a month, thanks!" },
  },
  {
    key: "t-readonly-expired-card",
    customer: "li",
    subject: "Workspace is read-only – can't send invoices",
    description:
      "There's a banner saying our workspace is read-only and I can't send any invoices. What happened??",
    status: "resolved",
    priority: "high",
    channel: "chat",
    team: "billing",
    assignee: "carla",
    tags: ["failed-payment", "dunning", "read-only", "card"],
    daysAgo: 6,
    messages: [
      {
        author: "carla",
        body: "Hi Li, I can see your subscription payment failed 15 days ago with \"Card declined: expired card\", so after 14 days the workspace switched to read-only. Your data is safe and your customers can still pay open invoices. To fix it, update the card in Settings → Billing → Payment method, then click \"Pay now\" next to the unpaid invoice in Settings → Billing → Invoice history. Full access comes back immediately.",
        minutesAfterCreate: 4,
      },
      {
        author: "carla",
        body: "All three dunning emails went to li@globex.example — delivered, never opened. Card expired last month. Suggest adding billing email recipients for their finance team.",
        isInternal: true,
        minutesAfterCreate: 6,
      },
      {
        author: "li",
        body: "Done, updated the card and paid. It works now. I never saw those emails!",
        minutesAfterCreate: 15,
      },
      {
        author: "carla",
        body: "Glad it's working again! So this doesn't slip through next time, you can add up to 3 extra addresses, such as your finance team, under Settings → Billing → Billing details → Billing email recipients.",
        minutesAfterCreate: 18,
      },
    ],
  },
  {
    key: "t-csv-import-encoding",
    customer: "maria",
    subject: "Customer names look garbled after CSV import",
    description:
      "I imported 320 customers from our old system. Names like \"José Núñez\" now show as \"JosÃ© NÃºÃ±ez\". How do I fix this without retyping everything?",
    status: "resolved",
    priority: "low",
    channel: "web",
    team: "technical",
    assignee: "dev",
    tags: ["import", "csv", "encoding", "customers"],
    daysAgo: 18,
    messages: [
      {
        author: "dev",
        body: "Hi Maria, this happens when the CSV file isn't saved as UTF-8. Since you imported less than 24 hours ago and there are no invoices for these customers yet, the easiest fix is:\n\n1. Go to Customers → Import → History and click \"Undo import\".\n2. Open the original file in Excel and choose Save As → CSV UTF-8 (Comma delimited).\n3. Import the file again.\n\nThe accents will come through correctly.",
        minutesAfterCreate: 180,
      },
      {
        author: "maria",
        body: "Undid it and re-imported as UTF-8. All the names look right now. ¡Gracias!",
        minutesAfterCreate: 260,
      },
    ],
  },
  {
    key: "t-bill-increase",
    customer: "li",
    subject: "Why did our bill go from $39 to $57?",
    description:
      "Our latest Lumen invoice, LUM-2024-003981, is $57 instead of the usual $39. Nothing changed on our side as far as I know.",
    status: "resolved",
    priority: "low",
    channel: "email",
    team: "billing",
    assignee: "carla",
    tags: ["invoice", "seats", "billing"],
    daysAgo: 22,
    messages: [
      {
        author: "carla",
        body: "Hi Li, I've had a look at LUM-2024-003981. The extra $18 is for 2 additional seats at $9 each. They were added on the 2nd by Tom, an Admin in your workspace, under Settings → Billing → Seats. Growth includes 3 seats and you now have 5 active members. If the seats aren't needed, remove the members in Settings → Team and lower the seat count; the change applies from your next renewal.",
        minutesAfterCreate: 240,
      },
      {
        author: "li",
        body: "Ah, Tom added our two new sales reps. That makes sense, thanks.",
        minutesAfterCreate: 600,
      },
    ],
    csat: { rating: 5 },
  },
  {
    key: "t-starter-invoice-limit",
    customer: "maria",
    subject: "\"You've reached your monthly invoice limit\" – need to invoice today",
    description:
      "I'm trying to send an invoice and Lumen says \"You've reached your monthly invoice limit\". We're on Starter. I need to send 8 more invoices today.",
    status: "resolved",
    priority: "medium",
    channel: "widget",
    team: "billing",
    assignee: "alice",
    tags: ["plans", "upgrade", "invoice-limit"],
    daysAgo: 14,
    messages: [
      {
        author: "alice",
        body: "Hi Maria, Starter includes 50 sent invoices per calendar month, and you've sent 50 this month. You can wait until the 1st, when the count resets, or upgrade to Growth ($39/month) for unlimited invoices, 3 seats and API access. Upgrading is immediate and you only pay the prorated difference for the rest of this period: Settings → Billing → Plan → Change plan → Growth → Confirm upgrade.",
        minutesAfterCreate: 8,
      },
      {
        author: "maria",
        body: "Upgraded, sending them now. Thanks!",
        minutesAfterCreate: 20,
      },
    ],
  },

  // -------------------------------------------------------------- closed ---
  {
    key: "t-pause-seasonal-workspace",
    customer: "sam",
    subject: "Cancel our events workspace at the end of the month",
    description:
      "Besides our main workspace we have a second one, \"Initech Events\", on a monthly Scale plan. It's seasonal and we won't invoice from it between November and February. Please cancel it at the end of this month. Can we come back later without losing the data?",
    status: "closed",
    priority: "low",
    channel: "email",
    team: "billing",
    assignee: "carla",
    tags: ["cancellation", "pause", "plans"],
    daysAgo: 28,
    messages: [
      {
        author: "carla",
        body: "Hi Sam, thanks for letting us know. Since you'll be back in spring, pausing may suit you better than cancelling: on monthly Growth and Scale plans you can pause for 1–3 months for $5 a month. The workspace becomes read-only, your data stays, and customers can still pay open invoices. If you cancel instead, the workspace stays usable until the end of the paid period, then read-only for 90 days, and is closed after that. Would you like to pause instead?",
        minutesAfterCreate: 120,
      },
      {
        author: "sam",
        body: "I didn't know pausing was an option. Paused it for 3 months from Settings → Billing → Plan. Thanks.",
        minutesAfterCreate: 400,
      },
      {
        author: "carla",
        body: "Perfect, I can see the pause is scheduled from the 1st. The subscription resumes automatically after 3 months, or you can resume earlier from the same page. Have a good off-season!",
        minutesAfterCreate: 420,
      },
    ],
    csat: { rating: 3, comment: "Fine in the end, but the pause option should be easier to find." },
  },
  {
    key: "t-gdpr-customer-deletion",
    customer: "maria",
    subject: "GDPR: delete a former client's personal data",
    description:
      "A former client of ours (Brightwater Studio, contact Jonas Berg) asked us to delete his personal data under GDPR. We have 6 paid invoices for them in Lumen. Can we delete the data without messing up our accounting?",
    status: "closed",
    priority: "medium",
    channel: "email",
    team: "accounts",
    assignee: "alice",
    tags: ["gdpr", "privacy", "customers"],
    daysAgo: 26,
    messages: [
      {
        author: "alice",
        body: "Hi Maria, yes. Open the customer under Customers → Brightwater Studio and choose More → Delete customer and personal data. Paid invoices are anonymised rather than deleted: amounts, dates and invoice numbers stay, so your books remain correct, but the contact name, email, phone and address are removed. This can't be undone. If the customer was also synced to accounting software, you'll need to handle the data there separately.",
        minutesAfterCreate: 200,
      },
      {
        author: "maria",
        body: "Done, thank you. The invoices now show \"Deleted customer\".",
        minutesAfterCreate: 500,
      },
      {
        author: "alice",
        body: "That's exactly right. I'll close this ticket, but feel free to reply if you need anything else.",
        minutesAfterCreate: 520,
      },
    ],
  },
  {
    key: "t-quickbooks-duplicates",
    customer: "li",
    subject: "Duplicate customers in QuickBooks after reconnecting",
    description:
      "Our QuickBooks connection showed \"Connection expired – reconnect required\", so I reconnected it. Now QuickBooks has two copies of about 60 customers. What happened?",
    status: "closed",
    priority: "medium",
    channel: "web",
    team: "technical",
    assignee: "dev",
    tags: ["integrations", "quickbooks", "sync", "duplicates"],
    daysAgo: 25,
    messages: [
      {
        author: "dev",
        body: "Root cause: known bug INT-904, the reconnect flow reset contact matching from 'name' to 'email'. ~60 of Globex's QBO contacts have no email, so new contacts were created. Fix shipped on the 14th. We can't bulk-merge in QBO for them; give merge instructions and the list of duplicates.",
        isInternal: true,
        minutesAfterCreate: 2880,
      },
      {
        author: "dev",
        body: "Hi Li, sorry for the slow reply. When you reconnected, a bug in our reconnect flow switched contact matching from name to email. About 60 of your QuickBooks contacts have no email address, so Lumen created new contacts instead of linking them. We've fixed the bug, so it won't happen again. Unfortunately Lumen can't merge contacts in QuickBooks for you; QuickBooks merges two contacts when you rename one to exactly match the other's display name. I've attached a list of the 60 duplicates to make this easier.",
        minutesAfterCreate: 2900,
      },
      {
        author: "li",
        body: "Merged them all myself. It took most of an afternoon.",
        minutesAfterCreate: 4300,
      },
    ],
    csat: { rating: 2, comment: "Took 2 days to get a first reply and I had to clean up the duplicates myself." },
  },
  {
    key: "t-enforce-2fa",
    customer: "li",
    subject: "How do we require 2FA for all our staff?",
    description:
      "Our auditors want every Lumen user at Globex to use two-factor authentication. Is there a way to enforce it instead of asking everyone individually?",
    status: "closed",
    priority: "low",
    channel: "web",
    team: "accounts",
    assignee: "dev",
    tags: ["2fa", "security", "team"],
    daysAgo: 29,
    messages: [
      {
        author: "dev",
        body: "Hi Li, yes. On Growth and Scale, Owners and Admins can enforce it: go to Settings → Security → Authentication, turn on \"Require two-factor authentication for all members\" and choose a grace period (immediately, 3 days or 7 days). Members without 2FA will be asked to set it up the next time they sign in.",
        minutesAfterCreate: 300,
      },
      {
        author: "li",
        body: "Turned it on with a 3-day grace period. Thanks.",
        minutesAfterCreate: 800,
      },
    ],
    csat: { rating: 4 },
  },
];

// ---------------------------------------------------------------------------
// Routing rules (ordered from most to least specific)
// ---------------------------------------------------------------------------

export const demoRoutingRules: {
  name: string;
  keywords: string[];
  channel?: string;
  team?: string;
  priority?: string;
}[] = [
  {
    name: "Outages and server errors",
    keywords: ["down", "outage", "500 error", "502", "not loading", "something went wrong"],
    team: "technical",
    priority: "urgent",
  },
  {
    name: "API channel errors",
    keywords: ["error", "failed", "timeout"],
    channel: "api",
    team: "technical",
  },
  {
    name: "Security incidents",
    keywords: ["leaked", "compromised", "unauthorized", "hacked", "fraud", "suspicious"],
    team: "accounts",
    priority: "high",
  },
  {
    name: "Billing, refunds and payouts",
    keywords: ["refund", "invoice", "charge", "charged", "billing", "payment", "card", "subscription", "payout", "vat"],
    team: "billing",
  },
  {
    name: "API, webhooks and integrations",
    keywords: ["api", "webhook", "rate limit", "429", "xero", "quickbooks", "sync", "integration", "sso", "saml"],
    team: "technical",
  },
  {
    name: "Account access",
    keywords: ["password", "2fa", "two-factor", "locked", "login", "log in", "sign in", "seat", "email address"],
    team: "accounts",
  },

];

// ---------------------------------------------------------------------------
// SLA policies (minutes)
// ---------------------------------------------------------------------------

export const demoSlaPolicies: {
  priority: "low" | "medium" | "high" | "urgent";
  firstResponseMinutes: number;
  resolutionMinutes: number;
}[] = [
  { priority: "urgent", firstResponseMinutes: 30, resolutionMinutes: 4 * 60 },
  { priority: "high", firstResponseMinutes: 2 * 60, resolutionMinutes: 24 * 60 },
  { priority: "medium", firstResponseMinutes: 8 * 60, resolutionMinutes: 72 * 60 },
  { priority: "low", firstResponseMinutes: 24 * 60, resolutionMinutes: 168 * 60 },
];
