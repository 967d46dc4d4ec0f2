// Tiny, made-up support tickets for the classifier tests: three teams with their own vocabulary,
// sentences assembled from fixed parts by a seeded generator (so every run sees the same data).
import { seededRandom } from "../../src/ai/classifier/linear-svm.js";
import type { TrainingExample } from "../../src/ai/classifier/train.js";

const OPENERS = ["Hello,", "Hi team,", "Good morning.", "", "Please help:", "Urgent:"];
const CLOSERS = ["Thanks.", "Regards", "", "Can you look into it?", "Please advise."];

export const TOPICS: Record<string, { subjects: string[]; phrases: string[] }> = {
  billing: {
    subjects: ["Invoice question", "Refund request", "Charged twice", "Billing issue"],
    phrases: [
      "my invoice shows the wrong amount",
      "I was charged twice for the subscription",
      "please refund the last payment",
      "the credit card payment failed but money left my account",
      "why is there an extra fee on my invoice",
      "I need a copy of the receipt for my payment",
    ],
  },
  technical: {
    subjects: ["App crashes", "Error on login", "Bug report", "Server down"],
    phrases: [
      "the app crashes when I open settings",
      "I get an error 500 after login",
      "the export button throws an exception",
      "the server is down and the dashboard will not load",
      "sync fails with a timeout error",
      "after the update the mobile app freezes",
    ],
  },
  shipping: {
    subjects: ["Where is my package", "Delivery delayed", "Tracking number", "Wrong address"],
    phrases: [
      "my package has not arrived yet",
      "the tracking number does not work",
      "the delivery is late by a week",
      "please change the shipping address of my order",
      "the courier left the parcel at the wrong door",
      "when will my order be shipped",
    ],
  },
};

export function makeExamples(perLabel: number, seed = 1): TrainingExample[] {
  const rand = seededRandom(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const out: TrainingExample[] = [];
  for (const [label, topic] of Object.entries(TOPICS)) {
    for (let i = 0; i < perLabel; i++) {
      const text = [pick(OPENERS), pick(topic.phrases), pick(topic.phrases), pick(CLOSERS)].filter(Boolean).join(" ");
      out.push({ subject: rand() < 0.5 ? pick(topic.subjects) : null, text, label });
    }
  }
  return out;
}
