package nestedpage

// TextArray exposes textArray to the external tests.
var TextArray = textArray
