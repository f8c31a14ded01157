package io.drydock.activities.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * Where a zip archive's central directory lies, read from its end records before any zip library
 * parses it: a zip library keeps every central directory entry in memory, and a 2 GiB archive can
 * hold tens of millions of tiny entries, so the directory's size must be bounded first.
 */
final class ZipCentralDirectory {
  private static final int END_RECORD = 0x06054b50;
  private static final int ZIP64_LOCATOR = 0x07064b50;
  private static final int ZIP64_END_RECORD = 0x06064b50;
  private static final int END_RECORD_LENGTH = 22;
  private static final int MAX_COMMENT_LENGTH = 0xffff;
  private static final int ZIP64_LOCATOR_LENGTH = 20;

  private ZipCentralDirectory() {}

  /**
   * The number of bytes between the start of the central directory and the end record that follows
   * it; empty when the file has no well-formed end record (it is not a zip archive).
   */
  static OptionalLong length(Path archive) throws IOException {
    try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < END_RECORD_LENGTH) {
        return OptionalLong.empty();
      }
      int tailLength = (int) Math.min(size, END_RECORD_LENGTH + MAX_COMMENT_LENGTH);
      ByteBuffer tail = read(channel, size - tailLength, tailLength);
      for (int at = tailLength - END_RECORD_LENGTH; at >= 0; at--) {
        if (tail.getInt(at) != END_RECORD) {
          continue;
        }
        long endRecord = size - tailLength + at;
        long offset = Integer.toUnsignedLong(tail.getInt(at + 16));
        if (offset == 0xffffffffL) {
          return zip64Length(channel, endRecord);
        }
        return offset <= endRecord ? OptionalLong.of(endRecord - offset) : OptionalLong.empty();
      }
      return OptionalLong.empty();
    }
  }

  private static OptionalLong zip64Length(FileChannel channel, long endRecord) throws IOException {
    if (endRecord < ZIP64_LOCATOR_LENGTH) {
      return OptionalLong.empty();
    }
    ByteBuffer locator = read(channel, endRecord - ZIP64_LOCATOR_LENGTH, ZIP64_LOCATOR_LENGTH);
    if (locator.getInt(0) != ZIP64_LOCATOR) {
      return OptionalLong.empty();
    }
    long zip64EndRecord = locator.getLong(8);
    if (zip64EndRecord < 0 || zip64EndRecord > endRecord - ZIP64_LOCATOR_LENGTH - 56) {
      return OptionalLong.empty();
    }
    ByteBuffer record = read(channel, zip64EndRecord, 56);
    long offset = record.getLong(48);
    if (record.getInt(0) != ZIP64_END_RECORD || offset < 0 || offset > zip64EndRecord) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(zip64EndRecord - offset);
  }

  private static ByteBuffer read(FileChannel channel, long position, int length)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        break;
      }
    }
    return buffer.clear();
  }
}
