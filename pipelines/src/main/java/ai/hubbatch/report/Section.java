package ai.hubbatch.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A section of the report, with its own heading and place in the page's navigation.
 *
 * @param id the anchor, such as {@code counts}
 * @param title the heading
 * @param blocks what it holds, in order
 */
public record Section(String id, String title, List<Block> blocks) {

  public Section {
    blocks = List.copyOf(blocks);
  }

  /** A copy with one more block at the end. */
  public Section withBlock(Block block) {
    List<Block> more = new ArrayList<>(blocks);
    more.add(block);
    return new Section(id, title, more);
  }
}
