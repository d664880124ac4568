import ArgumentParser

/// Output options shared by the commands that print tables.
struct DisplayOptions: ParsableArguments {
    @Option(help: "Colour: auto (only when stdout is a terminal), always or never. NO_COLOR or TERM=dumb turn it off.")
    var color: ColorMode = .auto

    /// The terminal as these options and the environment decide.
    var terminal: Terminal { Terminal(mode: color) }
}
