package io.drydock.demo;

/** A step of an image config's history. */
record History(String created, String createdBy, boolean emptyLayer) {
  History(String created, String createdBy) {
    this(created, createdBy, false);
  }
}
