"""Expert think-tank (专家智库), technology managers, competitions with panels, scores and rankings."""
