/// English stop words, including chat filler ("hi", "thanks", "please", "want", "need"), shared by the
/// concept extractor (phrase delimiters) and the hashing embedder (down-weighted features).
package enum StopWords {
    /// True when `token` (already lower-case) is a stop word.
    package static func contains(_ token: String) -> Bool {
        english.contains(token)
    }

    /// The list, lower-case; apostrophes are ASCII (the tokenizer maps U+2019 to "'").
    package static let english: Set<String> = {
        let text = """
            a about above across actually after afterwards again against ago ah all almost alone along already also
            although always am among amongst an and another any anybody anyhow anyone anything anyway anyways
            anywhere are aren't around as ask asked asking at away awesome b back bad be became because become
            becomes becoming been before beforehand behind being below beside besides best better between beyond
            both brief but by bye c came can can't cannot cant could couldn't d did didn't do does doesn't doing
            don't done down during e each eg either else elsewhere enough especially etc even ever every everybody
            everyone everything everywhere ex exactly example except f far few fine first five for former formerly
            four from further furthermore g get gets getting give given gives giving go goes going gone good got
            gotten great greetings h had hadn't happen happens has hasn't have haven't having he he'd he'll he's
            hello help helpful hence her here here's hereafter hereby herein hers herself hey hi him himself his
            hmm how how's however i i'd i'll i'm i've ie if im in indeed instead into is isn't it it'd it'll it's
            its itself j just k keep keeps kind kinda know knows known l last lately later least less let let's
            like likely little lol look looking looks lot lots m made make makes making many may maybe me mean
            meanwhile might mine more moreover most mostly much must my myself n name namely need needed needs
            neither never nevertheless new next nice nine no nobody non none noone nor not nothing now nowhere o
            of off often oh ok okay old on once one ones only onto or other others otherwise ought our ours
            ourselves out over overall own p per perhaps please pls plz possible pretty probably q quite r rather
            re really regarding right s said same saw say saying says second see seem seemed seeming seems seen
            self selves sent seriously seven several shall she she'd she'll she's should shouldn't since six so
            some somebody somehow someone something sometime sometimes somewhat somewhere soon sorry still such
            sure t take taken tell tells than thank thanks thanx thx that that's thats the their theirs them
            themselves then thence there there's thereafter thereby therefore therein thereupon these they
            they'd they'll they're they've thing things think third this thorough thoroughly those though three
            through throughout thru thus to today together too took toward towards tried tries truly try trying
            twice two u uh um umm under unless until unto up upon us use used useful uses using usually v various
            very via vs w want wanted wants was wasn't way we we'd we'll we're we've well went were weren't what
            what's whatever when when's whence whenever where where's whereafter whereas whereby wherein
            whereupon wherever whether which while whither who who's whoever whole whom whose why why's will
            willing wish with within without won't wonder wondering would wouldn't x y yeah yep yes yet you
            you'd you'll you're you've your yours yourself yourselves z zero
            able across ain't allow allows appreciate appropriate aside available aware become believe cause
            certain certainly clearly come comes consider could've currently definitely despite different
            else figure following forth gonna gotta guess guys hopefully ignored immediate inner insofar
            inward isn't keep least merely might've must've nd nearly necessary novel obviously particular
            particularly placed presumably provides quickly reasonably relatively respectively seeing sensible
            serious should've specified specify specifying thoughts unfortunately value wanna welcome would've
            yourselves dear sir madam hiya howdy cheers cool great awesome alright appreciated kindly
            question questions problem issue issues stuff whats hows ive dont cant wont doesnt didnt isnt
            """
        return Set(text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
    }()
}
