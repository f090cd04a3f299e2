package haystack.ssh.internal.server;

import java.util.Map;

import org.apache.sshd.common.channel.PtyMode;
import org.jline.terminal.Attributes;
import org.jline.terminal.Attributes.ControlChar;
import org.jline.terminal.Attributes.InputFlag;
import org.jline.terminal.Attributes.LocalFlag;
import org.jline.terminal.Attributes.OutputFlag;

/** Copies the terminal modes the ssh client asked for (RFC 4254 §8) onto a jline terminal. */
final class PtyModes {

    private static final Map<PtyMode, ControlChar> CONTROL_CHARS = Map.ofEntries(
            Map.entry(PtyMode.VINTR, ControlChar.VINTR), Map.entry(PtyMode.VQUIT, ControlChar.VQUIT),
            Map.entry(PtyMode.VERASE, ControlChar.VERASE), Map.entry(PtyMode.VKILL, ControlChar.VKILL),
            Map.entry(PtyMode.VEOF, ControlChar.VEOF), Map.entry(PtyMode.VEOL, ControlChar.VEOL),
            Map.entry(PtyMode.VEOL2, ControlChar.VEOL2), Map.entry(PtyMode.VSTART, ControlChar.VSTART),
            Map.entry(PtyMode.VSTOP, ControlChar.VSTOP), Map.entry(PtyMode.VSUSP, ControlChar.VSUSP),
            Map.entry(PtyMode.VDSUSP, ControlChar.VDSUSP), Map.entry(PtyMode.VREPRINT, ControlChar.VREPRINT),
            Map.entry(PtyMode.VWERASE, ControlChar.VWERASE), Map.entry(PtyMode.VLNEXT, ControlChar.VLNEXT),
            Map.entry(PtyMode.VSTATUS, ControlChar.VSTATUS), Map.entry(PtyMode.VDISCARD, ControlChar.VDISCARD));
    private static final Map<PtyMode, LocalFlag> LOCAL_FLAGS = Map.of(
            PtyMode.ECHO, LocalFlag.ECHO, PtyMode.ICANON, LocalFlag.ICANON, PtyMode.ISIG, LocalFlag.ISIG);
    private static final Map<PtyMode, InputFlag> INPUT_FLAGS = Map.of(
            PtyMode.ICRNL, InputFlag.ICRNL, PtyMode.INLCR, InputFlag.INLCR, PtyMode.IGNCR, InputFlag.IGNCR);
    private static final Map<PtyMode, OutputFlag> OUTPUT_FLAGS = Map.of(
            PtyMode.OCRNL, OutputFlag.OCRNL, PtyMode.ONLCR, OutputFlag.ONLCR, PtyMode.ONLRET, OutputFlag.ONLRET,
            PtyMode.OPOST, OutputFlag.OPOST);

    private PtyModes() {
    }

    static void apply(Map<PtyMode, Integer> modes, Attributes attributes) {
        modes.forEach((mode, value) -> {
            if (CONTROL_CHARS.containsKey(mode)) {
                attributes.setControlChar(CONTROL_CHARS.get(mode), value);
            } else if (LOCAL_FLAGS.containsKey(mode)) {
                attributes.setLocalFlag(LOCAL_FLAGS.get(mode), value != 0);
            } else if (INPUT_FLAGS.containsKey(mode)) {
                attributes.setInputFlag(INPUT_FLAGS.get(mode), value != 0);
            } else if (OUTPUT_FLAGS.containsKey(mode)) {
                attributes.setOutputFlag(OUTPUT_FLAGS.get(mode), value != 0);
            }
        });
    }
}
