// Help-centre answers are paragraphs. Trix's default block is a <div> that the answer sanitizer
// drops, and unfold's "p" block groups neighbouring paragraphs into one: every block is a <p> of
// its own instead, so an answer keeps its paragraphs when it is edited and saved.
document.addEventListener("trix-before-initialize", function () {
  Trix.config.blockAttributes.default.tagName = "p";
  Trix.config.blockAttributes.default.breakOnReturn = true;
  if (Trix.config.blockAttributes.p) {
    Trix.config.blockAttributes.p.group = false;
  }
});
