package io.drydock.demo;

/** A platform as image configs and indexes name it, and as Alpine's package database names it. */
record Platform(String architecture, String variant, String apkArchitecture) {}
