// The programme's filters apply as soon as a choice changes (issue 12): the form is submitted
// on "change". Without JavaScript, its "Afficher" button does the same. After the reload, focus
// returns to the field that was changed, so a keyboard or screen reader user keeps their place.
const KEY = "programme-filters-focus";

for (const form of document.querySelectorAll("form[data-auto-submit]")) {
  const button = form.querySelector("button[type=submit]");
  const help = form.querySelector(".ev-filters-help");
  if (button) button.hidden = true;
  if (help) help.hidden = false;
  form.addEventListener("change", (event) => {
    const field = event.target;
    if (field && field.id) {
      try { sessionStorage.setItem(KEY, field.id); } catch { /* private mode: no focus memory */ }
    }
    form.requestSubmit ? form.requestSubmit() : form.submit();
  });
}

let focused = null;
try {
  focused = sessionStorage.getItem(KEY);
  sessionStorage.removeItem(KEY);
} catch { /* storage unavailable */ }
if (focused) document.getElementById(focused)?.focus();
