"""The shared vocabulary at the bottom: what an item is (specs, crops, options), the product options
those name, and what a check finds (the Finding model and its codes). Every package may import this;
it imports nothing of ours, so the render engine, the print files and the order rules speak the same
words without depending on each other."""
