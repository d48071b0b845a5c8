// The idea screens of the room clients (client.mjs: load; chaos.mjs: faults), on common.mjs's
// Screen: French idea texts, the room's visible ideas the phones pick from, and a phone that
// submits ideas and supports others' (half each, or `support_share`).
//
// CONFIG (argv[2], JSON): common.mjs's, plus support_share (0.5: the share of idea.support among
// the messages), tag_text (append the message id to idea texts, to find duplicates in the
// database).

import { Screen, cfg, countKinds, now, pick, rand, state } from "./common.mjs";

countKinds(["idea.submit", "idea.support"]);
export const NORMAL_REFUSALS = new Set(["idea.already_supported", "idea.own_idea", "idea.not_supported"]);

// --- short French ideas, 40-120 characters ---------------------------------------------------------
const STARTS = [
  "Plus de bancs", "Des arbres", "Une piste cyclable", "Un marché bio", "Des toilettes publiques",
  "Un jardin partagé", "Des fontaines", "Une navette gratuite", "Un atelier de réparation",
  "Des jeux pour enfants", "Un éclairage solaire", "Une boîte à livres", "Des parkings vélo",
  "Un conseil de quartier", "Une fête des voisins",
];
const PLACES = [
  "place du marché", "près de l'école", "le long du canal", "devant la mairie", "au parc central",
  "rue de la gare", "dans le quartier nord", "à côté de la médiathèque", "sur le parvis de l'église",
];
const WHYS = [
  "pour les personnes âgées", "pour que les familles restent", "afin de réduire les voitures",
  "parce qu'il fait trop chaud l'été", "pour se retrouver le dimanche", "et ce serait moins cher",
  "pour la sécurité des enfants", "comme à Grenoble", "avant les prochaines élections",
];
export function ideaText() {
  let text = `${pick(STARTS)} ${pick(PLACES)}`;
  while (text.length < 40 || (text.length < 90 && rand() < 0.5)) text += ` ${pick(WHYS)}`;
  return text.length > 120 ? text.slice(0, 117).trimEnd() + "…" : text;
}

// --- one idea screen ---------------------------------------------------------------------------------
// A delta frame's head says all a screen needs to check its chain: `{"type":"delta","from":N,
// "upto":M[,"gap":true]`; the store gets the head only (no collections registered: it keeps the
// version, not the ideas). The events are read once per frame (the first phone to get it), and
// the ideas they show go to one list the phones pick from: every phone sees the same public
// ideas, and parsing 1,000 copies of each 12 kB frame made the one client core, not the server,
// the limit of the measurement. A phone's own ideas and supports come from its acks.
const DELTA_HEAD = /^\{"type":"delta","from":(\d+),"upto":(\d+)(,"gap":true)?/;
export const roomIdeas = []; // visible idea ids seen by any phone
const roomKnown = new Set();
const readFrames = new Set(); // "from:upto" of the delta frames whose events were read

export class IdeaScreen extends Screen {
  constructor(index, cookie, board, server = 0) {
    super(index, cookie, board, server);
    this.mine = new Set();
    this.supported = new Set();
  }

  onMessage(data, t0) {
    const head = DELTA_HEAD.exec(data.toString("latin1", 0, Math.min(data.length, 96)));
    if (head === null) {
      this.onFrame(JSON.parse(data.toString()), t0);
      return;
    }
    const from = Number(head[1]);
    const upto = Number(head[2]);
    if (!this.board && !readFrames.has(`${from}:${upto}`)) {
      readFrames.add(`${from}:${upto}`);
      for (const ev of JSON.parse(data.toString()).events) {
        if (ev.type === "idea.changed") this.learn(ev.data);
      }
    }
    this.onDelta({ type: "delta", from, upto, gap: head[3] !== undefined }, now());
  }

  learnSnapshot(data) {
    for (const idea of data.ideas) this.learn(idea);
  }

  acked(p, msg) {
    if (p.kind === "idea.submit") this.mine.add(msg.data.idea);
    else this.supported.add(msg.data.idea);
  }

  refusal(_p, code) {
    return NORMAL_REFUSALS.has(code);
  }

  learn(idea) {
    if (idea.removed) return; // rare here; a stale id only earns an idea.not_found
    if (idea.mine) this.mine.add(idea.id);
    if (idea.supported) this.supported.add(idea.id);
    if (idea.text === undefined || idea.state !== "visible" || roomKnown.has(idea.id)) return;
    roomKnown.add(idea.id);
    roomIdeas.push(idea.id);
  }

  act() {
    let kind = rand() < (cfg.support_share ?? 0.5) ? "idea.support" : "idea.submit";
    let target = null;
    if (kind === "idea.support") {
      for (let tries = 0; tries < 5 && roomIdeas.length; tries += 1) {
        const id = pick(roomIdeas);
        if (!this.mine.has(id) && !this.supported.has(id)) {
          target = id;
          break;
        }
      }
      if (target === null) kind = "idea.submit";
    }
    const id = `p${this.index}-${state.tag}${++this.counter}`;
    const text = cfg.tag_text ? `${ideaText()} [${id}]` : ideaText();
    this.send(kind, id, kind === "idea.submit" ? { text } : { idea: target });
  }
}
