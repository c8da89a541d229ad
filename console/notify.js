// Opt-in alerts for the agent: a browser notification and a short chime when a
// conversation is assigned or a customer writes while the agent looks elsewhere.
// The chime is synthesised (Web Audio): no sound file, nothing fetched.

export function notificationsAllowed() {
  return typeof Notification !== 'undefined' && Notification.permission === 'granted';
}

export function notify(title, body) {
  if (!notificationsAllowed()) return;
  try {
    // Cut between characters (code points), never inside an emoji's surrogate pair.
    const n = new Notification(title, { body: Array.from(String(body)).slice(0, 140).join(""), tag: 'omniroute' });
    n.onclick = () => { window.focus(); n.close(); };
  } catch {
    // Some browsers allow notifications only from a service worker; the chime still sounds.
  }
}

let audio = null;
export function chime() {
  try {
    audio = audio || new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.35);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.4);
  } catch {
    // No audio device: notifications alone.
  }
}
