"""Sample content for a fresh archive: invented canons, a handful of hand-written works and a
small deterministic prose generator for the rest. Every canon, name and sentence here was written
for Lifestream; none of it belongs to any real franchise.

`create_sample_content` turns these plain records into accounts and works through the services.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

SAMPLE_PASSWORD = "lifestream-sample"
END_NOTE = "<p>Author's note: thank you for reading! Comments feed the muse.</p>"

NO_WARNINGS = "No Archive Warnings Apply"
CHOSE_NOT_TO_WARN = "Creator Chose Not To Use Archive Warnings"
VIOLENCE = "Graphic Depictions Of Violence"


# --- authors ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleAuthor:
    login: str
    extra_pseud: str = ""
    pseud_description: str = ""


AUTHORS: tuple[SampleAuthor, ...] = (
    SampleAuthor("moogle_quill"),
    SampleAuthor("lanternfish"),
    SampleAuthor(
        "inkwell_otter",
        extra_pseud="Otter After Dark",
        pseud_description="Where the sadder, stormier stories go.",
    ),
    SampleAuthor("saltmarsh_sonnets"),
    SampleAuthor("paper_comet"),
)


# --- canons -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Canon:
    """An invented source: its fandom tag, its cast and the furniture its stories use.
    `characters` pairs each character tag with the name the prose calls them by."""

    fandom: str
    characters: tuple[tuple[str, str], ...]
    relationships: tuple[tuple[str, str], ...]  # (relationship tag, category)
    places: tuple[str, ...]
    things: tuple[str, ...]
    freeforms: tuple[str, ...]
    media: str = "Uncategorized Fandoms"  # the media category its fandom is browsed under


GLASS_ORCHARD = Canon(
    fandom="The Glass Orchard (Novels)",
    media="Books & Literature",
    characters=(
        ("Wren Ashby", "Wren"),
        ("Orrin Halloway", "Orrin"),
        ("Mabli Thorne", "Mabli"),
        ("Tamsin Vell", "Tamsin"),
    ),
    relationships=(
        ("Wren Ashby/Tamsin Vell", "F/F"),
        ("Orrin Halloway & Wren Ashby", "Gen"),
        ("Mabli Thorne & Wren Ashby", "Gen"),
    ),
    places=("the eastern rows", "the frost-house", "the village green", "the orchard gate"),
    things=("pruning knife", "green ledger", "jar of amber fruit", "frost-glove"),
    freeforms=("Gardening", "Winter", "Small Towns"),
)
STARLANE = Canon(
    fandom="Starlane Couriers (TV)",
    media="TV Shows",
    characters=(
        ("Ilse Varga", "Ilse"),
        ("Marek Lind", "Marek"),
        ("Juniper Sato", "Juniper"),
        ("Dov Okonkwo", "Dov"),
    ),
    relationships=(
        ("Ilse Varga/Marek Lind", "F/M"),
        ("Dov Okonkwo & Juniper Sato", "Gen"),
        ("Dov Okonkwo/Marek Lind", "M/M"),
    ),
    places=("the galley", "the cargo bay", "the observation blister", "a dockside noodle bar"),
    things=("sextant", "cargo manifest", "thermos of terrible coffee", "deck of cards"),
    freeforms=("Space Opera", "Banter", "Spaceships"),
)
HARBOUR = Canon(
    fandom="Harbour of Bells (Video Game)",
    media="Video Games",
    characters=(
        ("Nell Carraway", "Nell"),
        ("Odile Fenn", "Odile"),
        ("Isaak Brand", "Isaak"),
        ("Bellwright Sorrel", "Sorrel"),
    ),
    relationships=(
        ("Nell Carraway/Odile Fenn", "F/F"),
        ("Isaak Brand & Nell Carraway", "Gen"),
        ("Bellwright Sorrel & Odile Fenn", "Gen"),
    ),
    places=("the lamp room", "the harbour wall", "the fish market", "the drowned chapel"),
    things=("tide table", "brass key", "oilskin coat", "ship in a bottle"),
    freeforms=("Lighthouses", "Storms", "Post-Game"),
)
BAKERY = Canon(
    fandom="Moonlit Bakery Mysteries (Webcomic)",
    media="Cartoons & Comics & Graphic Novels",
    characters=(
        ("Hazel Quince", "Hazel"),
        ("Rook Amberly", "Rook"),
        ("Biscuit the Cat", "Biscuit"),
        ("Constance Pell", "Constance"),
    ),
    relationships=(
        ("Hazel Quince/Rook Amberly", "F/M"),
        ("Constance Pell & Hazel Quince", "Gen"),
    ),
    places=("the bakery kitchen", "the flour loft", "the old mill", "the market square"),
    things=("rolling pin", "case file", "tin of shortbread", "sourdough starter"),
    freeforms=("Baking", "Cozy Mystery", "Cats"),
)
MOON_LIBRARY = Canon(
    fandom="月の図書館 | The Moon Library (Anime)",
    media="Anime & Manga",
    characters=(
        ("Amane Shiori", "Shiori"),
        ("Kuze Haru", "Haru"),
        ("Ise Tokiko", "Tokiko"),
    ),
    relationships=(
        ("Amane Shiori & Kuze Haru", "Gen"),
        ("Amane Shiori/Kuze Haru", "F/M"),
        ("Ise Tokiko & Kuze Haru", "Gen"),
    ),
    places=("the reading room", "the rooftop", "the night stacks", "the returns desk"),
    things=("library card", "star chart", "borrowed umbrella", "overdue notice"),
    freeforms=("Libraries", "Stargazing"),
)
CARTOGRAPHERS = Canon(
    fandom="The Cartographers' Guild (Audio Drama)",
    media="Other Media",
    characters=(
        ("Perpetua Lisle", "Perpetua"),
        ("Anselm Quarry", "Anselm"),
        ("Yusra Damaris", "Yusra"),
        ("Teodor Vane", "Teodor"),
    ),
    relationships=(
        ("Anselm Quarry/Teodor Vane", "M/M"),
        ("Perpetua Lisle/Yusra Damaris", "F/F"),
        ("Anselm Quarry & Perpetua Lisle", "Gen"),
    ),
    places=("the map room", "the mountain pass", "the guild library", "a roadside inn"),
    things=("compass", "unfinished map", "ink bottle", "letter of introduction"),
    freeforms=("Road Trip", "Maps", "Adventure"),
)
CANONS: tuple[Canon, ...] = (
    GLASS_ORCHARD,
    STARLANE,
    HARBOUR,
    BAKERY,
    MOON_LIBRARY,
    CARTOGRAPHERS,
)

COMMON_FREEFORMS = (
    "Hurt/Comfort",
    "Slow Burn",
    "Found Family",
    "Fluff",
    "Angst",
    "Friendship",
    "Pining",
    "Happy Ending",
    "Domestic",
    "Missing Scene",
    "Post-Canon",
    "Alternate Universe - Coffee Shops & Cafés",
    "Five Times Plus One",
    "Rain",
    "Letters",
    "Getting Together",
    "Comfort Food",
    "Established Relationship",
)


# --- works ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleChapter:
    body: str
    title: str = ""
    summary: str = ""
    notes: str = ""
    end_notes: str = ""


@dataclass(frozen=True)
class SampleWork:
    """A work as plain data. `pseud` names a non-default pseud of `author`; `published_on` is a
    fixed backdate and `days_ago` one relative to the day the content is made."""

    author: str
    title: str
    summary: str
    chapters: tuple[SampleChapter, ...]
    rating: str
    warnings: tuple[str, ...]
    categories: tuple[str, ...]
    fandoms: tuple[str, ...]
    relationships: tuple[str, ...] = ()
    characters: tuple[str, ...] = ()
    freeforms: tuple[str, ...] = ()
    pseud: str = ""
    notes: str = ""
    end_notes: str = END_NOTE
    language: str = "en"
    restricted: bool = False
    expected_chapters: int | None = None
    complete: bool = False
    published_on: dt.date | None = None
    days_ago: int | None = None
    post: bool = True


def _html(*paragraphs: str) -> str:
    """Paragraphs as <p>; an item already starting with a tag (<hr />, <blockquote>) as is."""
    return "\n".join(p if p.startswith("<") else f"<p>{p}</p>" for p in paragraphs)


WHAT_THE_ORCHARD_KEEPS = SampleWork(
    author="moogle_quill",
    title="What the Orchard Keeps",
    summary=_html(
        "The glass trees ring when the frost comes. Wren has one winter to learn how to tend "
        "them before the orchard forgets her name."
    ),
    notes=_html("Set the winter after the last book. No spoilers beyond the first chapter."),
    rating="General Audiences",
    warnings=(NO_WARNINGS,),
    categories=("Gen",),
    fandoms=(GLASS_ORCHARD.fandom,),
    relationships=("Orrin Halloway & Wren Ashby", "Mabli Thorne & Wren Ashby"),
    characters=("Wren Ashby", "Orrin Halloway", "Mabli Thorne"),
    freeforms=("Found Family", "Post-Canon", "Winter", "Gardening"),
    complete=True,
    published_on=dt.date(2024, 3, 14),
    chapters=(
        SampleChapter(
            title="First Frost",
            summary=_html("The orchard starts to sing."),
            body=_html(
                "The first frost came to the Glass Orchard on a Tuesday, which Orrin said was "
                "unlucky and Wren said was only a Tuesday.",
                "She heard it before she saw it: a thin, high singing from the eastern rows, as "
                "though someone had run a wet finger round the rim of every tree at once. By the "
                "time she had pulled on her boots and found the lantern, the whole hillside was "
                "chiming. The branches, clear as window-panes all summer, had gone milky at the "
                "tips. Frost crept along them in feathers.",
                "“Don't touch,” Orrin said from the doorway. He had a blanket round his "
                "shoulders and his hair stood up on one side. “Not with bare hands. They'll take "
                "the warmth right out of you, and then they'll want more.”",
                "“You make them sound hungry.”",
                "“Everything's hungry in winter.” He came down the steps slowly, favouring his "
                "bad knee, and stood beside her to listen. After a while he said, more quietly, "
                "“Your grandmother used to sing back to them. Said it kept them from cracking.”",
                "Wren did not know any songs. She hummed anyway, a tuneless thing, and the "
                "nearest tree seemed to lean a little closer. She would swear to that later, to "
                "anyone who would listen, and to several people who would not.",
            ),
        ),
        SampleChapter(
            title="The Ledger",
            summary=_html("Mabli brings the post, a cold, and forty years of handwriting."),
            body=_html(
                "Mabli Thorne arrived with the post and a cold that made her sound like a goose. "
                "She set a parcel on the kitchen table and refused tea twice before accepting it.",
                "“Your grandmother's ledger,” she said. “The solicitors finally let go of it. I'd "
                "have brought it sooner, but they wanted three signatures and a sworn statement "
                "that you weren't a ghost.”",
                "The ledger was bound in green cloth gone soft at the corners. Inside, in "
                "handwriting that sloped like a hillside, were forty years of the orchard: which "
                "tree had rung flat in the spring of a wet year, which had grown a fruit like a "
                "drop of amber, which had to be spoken to <em>gently, always gently, she "
                "sulks</em>.",
                "<blockquote><p>Row nine, the old pear. Do not prune before the thaw. Do not "
                "prune after it either, if you can help it. She knows what she is doing better "
                "than we do.</p></blockquote>",
                "Wren laughed out loud, and then, to her own surprise, had to put the book down "
                "and look out of the window for a while. Mabli became very interested in her tea.",
                "“She wrote to them like they were people,” Wren said eventually.",
                "“She wrote to <em>everyone</em> like they were people,” said Mabli. “It was her "
                "most annoying quality. Drink your tea.”",
            ),
        ),
        SampleChapter(
            title="Thaw",
            body=_html(
                "The thaw came in the night, all at once, the way Orrin had promised it would. "
                "Wren woke to the sound of dripping and lay for a moment not knowing what was "
                "wrong, until she understood that nothing was: the orchard had stopped singing "
                "because it no longer needed to.",
                "She went out barefoot, which was foolish, and stood in the wet grass between "
                "the rows. Every branch was clear again. In the grey early light they held the "
                "whole sky inside them, cloud upon cloud, so that walking among them was like "
                "walking through a hundred small windows.",
                "Orrin found her there an hour later with a mug in each hand. He gave her one "
                "and did not mention her feet.",
                "“Not one cracked,” he said. “Not one, the whole winter. Do you know how long "
                "it's been since that happened?”",
                "“Since Gran?”",
                "“Since before Gran.” He drank, and squinted at the old pear in row nine, which "
                "had put out a single bud the colour of honey. “You'll do,” he said. “You'll do "
                "fine, I think.”",
                "It was not a song, exactly. But Wren thought the orchard heard it all the same.",
            ),
        ),
    ),
)

DEAD_RECKONING = SampleWork(
    author="lanternfish",
    title="Dead Reckoning",
    summary=_html(
        "Three jumps from home, the nav core dies, and the <em>Kestrel's Promise</em> has to "
        "find her way back the old-fashioned way: by starlight, arithmetic and stubbornness.",
        "Set between episodes 2x07 and 2x08.",
    ),
    notes=_html("I have rewatched the second season an unreasonable number of times."),
    rating="Teen And Up Audiences",
    warnings=(NO_WARNINGS,),
    categories=("F/M", "Gen"),
    fandoms=(STARLANE.fandom,),
    relationships=("Ilse Varga/Marek Lind", "Dov Okonkwo & Juniper Sato"),
    characters=("Ilse Varga", "Marek Lind", "Juniper Sato", "Dov Okonkwo"),
    freeforms=("Slow Burn", "Space Opera", "Found Family", "Banter", "Missing Scene"),
    expected_chapters=None,
    chapters=(
        SampleChapter(
            title="Drift",
            body=_html(
                "The nav core died with a sound like a sigh, which Juniper said later was the "
                "most offensive thing a piece of hardware had ever done to her.",
                "For a long moment nobody on the bridge spoke. The stars on the forward screen "
                "did not move, because the <em>Kestrel's Promise</em> was no longer going "
                "anywhere in particular. The consoles dimmed to emergency amber. Somewhere aft, "
                "a pump knocked twice and fell silent.",
                "“Well,” said Captain Ilse Varga, who had been in worse places and wanted "
                "everyone to know it. “Options.”",
                "“We have a spare core,” said Marek from the pilot's chair.",
                "“We have a spare core,” Juniper agreed over the comm, “in the sense that I have "
                "a spare kidney. It's technically present. I wouldn't put any weight on it.”",
                "Ilse pinched the bridge of her nose. Marek watched her do it and thought, not "
                "for the first time, that he would fly this ship into a sun if she asked him in "
                "that particular tone of voice. He kept this to himself. It was not a useful "
                "thought, and they were, at present, very short of fuel for useless things.",
            ),
        ),
        SampleChapter(
            title="Paper Charts",
            summary=_html("Dov opens a locker nobody has opened in forty years."),
            body=_html(
                "Dov found the charts in a locker nobody had opened since the ship's previous "
                "owners: a fat roll of them, printed on actual paper, smelling of dust and "
                "machine oil.",
                "“These are forty years out of date,” Marek said.",
                "“Stars don't move much in forty years,” said Dov. “Don't they teach you "
                "anything at flight school?”",
                "They spread the charts across the galley table and weighted the corners with "
                "mugs. Ilse brought the sextant, an antique she kept in her cabin and which the "
                "crew had always assumed was decorative, and Marek took sightings through the "
                "observation blister while she called out numbers and Dov wrote them down in a "
                "careful, looping hand.",
                "It took nine hours. At the end of it there was a pencil line across the oldest "
                "chart, wobbling slightly where the ship had bumped, and at the end of the line "
                "was a small circle and the word <strong>HOME?</strong>",
                "“The question mark is doing a lot of work,” said Juniper.",
                "“The question mark,” said Ilse, “is the most honest thing on this ship.”",
            ),
        ),
        SampleChapter(
            title="Burn",
            end_notes=_html(
                "More soon, probably. I genuinely don't know how long this is going to be."
            ),
            body=_html(
                "The burn was scheduled for oh-four-hundred, ship's time. Marek was in the "
                "pilot's chair at three, not because he needed to be, but because sleeping had "
                "started to feel like something other people did.",
                "Ilse found him there. She did not ask why he was awake. She sat in the "
                "co-pilot's chair, which she never did, and put her boots up on the console, "
                "which she always told everyone else not to do.",
                "“If the numbers are wrong,” she said, “we overshoot by a few million kilometres "
                "and have a very long, very boring trip.”",
                "“And if they're right?”",
                "“Then I owe Dov an apology about the charts.” She glanced at him sidelong. “And "
                "I owe you a drink.”",
                "<hr />",
                "The numbers were right. Near enough, anyway.",
                "Ilse bought the drink. She did not, Marek noticed, invite anyone else.",
            ),
        ),
    ),
)

THE_BELL_UNDER_THE_WATER = SampleWork(
    author="inkwell_otter",
    pseud="Otter After Dark",
    title="The Bell Under the Water",
    summary=_html(
        "Every keeper of the Harbour light hears the drowned bell eventually. Nell has been "
        "hearing it for a week, and she hasn't told anyone.",
        "Post-game; spoilers for the final chapter.",
    ),
    notes=_html(
        "Rated for grief and one fairly bad injury. Nothing graphic, but please take care of "
        "yourselves."
    ),
    rating="Mature",
    warnings=(CHOSE_NOT_TO_WARN,),
    categories=("F/F",),
    fandoms=(HARBOUR.fandom,),
    relationships=("Nell Carraway/Odile Fenn", "Isaak Brand & Nell Carraway"),
    characters=("Nell Carraway", "Odile Fenn", "Isaak Brand"),
    freeforms=("Hurt/Comfort", "Angst", "Storms", "Lighthouses", "Happy Ending"),
    complete=True,
    days_ago=96,
    chapters=(
        SampleChapter(
            title="Low Tide",
            body=_html(
                "The bell rang again at low tide, when the water was farthest out and there was "
                "no reason for anything to be ringing at all.",
                "Nell set down the lamp oil and stood very still on the gallery stair. From up "
                "here the harbour was a dark bowl, the town's few lights strung along its rim, "
                "the mudflats gleaming where the sea had drawn back. The bell's note came up "
                "from somewhere under all of that. Low and patient. Like someone knocking on a "
                "door they knew would be answered eventually.",
                "She had not told Odile. She had meant to, every evening for a week, and every "
                "evening Odile had come up the three hundred steps with bread and news from the "
                "market and a smile that still, after all this time, made Nell forget what she "
                "had been about to say.",
                "Isaak would understand. Isaak had kept the light for thirty years before his "
                "hands got bad, and he had heard the bell too; everyone knew he had. But Isaak's "
                "way of understanding was to go very quiet and pour two glasses of something "
                "brown, and Nell was not sure she wanted to be understood like that yet.",
                "The bell stopped. The tide turned. She went up and lit the lamp.",
            ),
        ),
        SampleChapter(
            title="Storm Glass",
            notes=_html("This is the chapter the rating is for."),
            body=_html(
                "The storm came in sideways off the sea, and when the great lens cracked Nell "
                "was the only one there to hold it together.",
                "Afterwards she could not remember climbing the ladder, or how she had got her "
                "arms round the brass frame. She remembered the wind, and the noise, and glass "
                "biting into her palm, and the thought, very clear and very calm, that if the "
                "light went out tonight the fishing boats would come home blind.",
                "It did not go out.",
                "Odile found her at dawn, still sitting at the foot of the lens with her hand "
                "wrapped in her own scarf. She did not shout, which was somehow worse. She knelt "
                "and unwrapped the scarf with terrible gentleness and looked at what was "
                "underneath and breathed out slowly through her nose.",
                "“You heard it,” Odile said. “The bell. You've been hearing it.”",
                "“How did you—”",
                "“Because you've been looking at the water like it owes you money.” Her voice "
                "cracked, just slightly, on the last word. “You absolute fool. You should have "
                "told me.”",
                "“I know.”",
                "“I would have come up the steps <em>faster</em>.”",
                "Nell laughed, and it hurt, and then she was crying, and Odile held her in the "
                "grey light until the harbour bells, the ordinary ones in the town, began to "
                "ring for morning. Under the water, for the first time in a week, there was "
                "nothing at all.",
            ),
        ),
    ),
)

RECETTE = SampleWork(
    author="saltmarsh_sonnets",
    title="Recette pour un matin calme",
    language="fr",
    summary=_html(
        "Hazel a une fournée de croissants à sortir avant l'aube, un chat qui a des opinions, "
        "et un inspecteur qui n'a visiblement pas dormi. Rien de mystérieux, pour une fois. "
        "Ou presque."
    ),
    notes=_html("Première fic en français ! Soyez indulgents."),
    end_notes=_html(
        "Note de l'autrice : merci de m'avoir lue ! Les commentaires nourrissent la muse."
    ),
    rating="Not Rated",
    warnings=(NO_WARNINGS,),
    categories=("F/M",),
    fandoms=(BAKERY.fandom,),
    relationships=("Hazel Quince/Rook Amberly",),
    characters=("Hazel Quince", "Rook Amberly", "Biscuit the Cat"),
    freeforms=("Fluff", "Baking", "Cats", "Comfort Food"),
    complete=True,
    days_ago=41,
    chapters=(
        SampleChapter(
            title="La première fournée",
            body=_html(
                "À quatre heures du matin, la boulangerie de la rue des Tilleuls sentait le "
                "beurre et la farine, et Hazel Quince chantait faux.",
                "Elle avait toujours chanté faux, elle le savait, et cela lui était parfaitement "
                "égal : à cette heure-là, il n'y avait personne pour l'entendre, à part Biscuit, "
                "roulé en boule sur le sac de sucre, qui avait depuis longtemps renoncé à "
                "protester.",
                "Elle sortit la première plaque du four. Les croissants étaient dorés, gonflés, "
                "un peu de travers, exactement comme il le fallait. Elle en posa un sur une "
                "assiette ébréchée, pour elle, parce que la boulangère a toujours droit au "
                "premier.",
                "On frappa à la vitre.",
                "De l'autre côté, sous le réverbère, se tenait l'inspecteur Rook Amberly, le col "
                "relevé, les yeux cernés, avec l'air d'un homme qui n'avait pas vu son lit "
                "depuis deux jours. Il leva une main, un peu gêné.",
                "« C'est fermé », articula Hazel derrière la vitre.",
                "« Je sais », répondit-il de la même façon. Puis il désigna le croissant du "
                "doigt, avec une mine si sérieusement malheureuse qu'elle éclata de rire et alla "
                "lui ouvrir.",
            ),
        ),
        SampleChapter(
            title="Le chat a des opinions",
            body=_html(
                "Rook mangea trois croissants sans dire un mot. Hazel le regarda faire tout en "
                "pétrissant la pâte du pain de mie, et se garda bien de poser la moindre "
                "question.",
                "Ce fut Biscuit qui rompit le silence. Il descendit du sac de sucre, traversa la "
                "cuisine d'un pas de propriétaire et sauta sur les genoux de l'inspecteur, qui "
                "se figea comme si on venait d'y poser une bombe.",
                "« Il ne fait jamais ça, dit Hazel. Il déteste tout le monde.<br />"
                "— Il me déteste peut-être aussi.<br />"
                "— Non. Quand il déteste quelqu'un, il s'assoit sur ses chaussures. »",
                "Rook baissa les yeux vers le chat, qui ronronnait désormais comme un petit "
                "moteur. Quelque chose, dans ses épaules, se dénoua. <em>Enfin</em>, pensa "
                "Hazel.",
                "« L'affaire est close, dit-il au bout d'un moment. Celle du moulin. On a "
                "retrouvé la petite. Elle va bien.<br />"
                "— Alors vous pouvez dormir.<br />"
                "— Je crois que oui. » Il sourit pour la première fois de la matinée. « Après "
                "un quatrième croissant. »",
                "Dehors, le ciel pâlissait au-dessus des toits. Hazel alluma l'enseigne, "
                "retourna la pancarte du côté <strong>OUVERT</strong> et posa une quatrième "
                "assiette sur la table sans rien dire.",
            ),
        ),
    ),
)

COUNTING_STARS = SampleWork(
    author="paper_comet",
    title="星を数える夜",
    language="ja",
    restricted=True,
    summary=_html(
        "閉館後の図書館で、栞は天窓の星を数えている。晴はそれを手伝うことにした。",
        "(After closing time, Shiori counts the stars through the library skylight. Haru "
        "decides to help.)",
    ),
    end_notes=_html(
        "Author's note: thank you for reading! Comments feed the muse.",
        "日本語の練習も兼ねて書きました。おかしなところがあれば、やさしく教えてください。",
    ),
    rating="General Audiences",
    warnings=(NO_WARNINGS,),
    categories=("Gen",),
    fandoms=(MOON_LIBRARY.fandom,),
    relationships=("Amane Shiori & Kuze Haru",),
    characters=("Amane Shiori", "Kuze Haru"),
    freeforms=("Stargazing", "Libraries", "Friendship", "Fluff"),
    expected_chapters=3,
    days_ago=12,
    chapters=(
        SampleChapter(
            title="閉館時間",
            body=_html(
                "月の図書館は、夜の九時に閉館する。",
                "最後の利用者が帰り、扉に鍵がかかると、天井のガラス窓から星の光が静かに降りて"
                "くる。栞はその時間がいちばん好きだった。脚立を窓の下まで運び、ノートと鉛筆を"
                "持って、いちばん上の段に腰かける。",
                "「また数えてるの？」",
                "下から声がした。返却された本を両腕いっぱいに抱えた晴が、こちらを見上げている。",
                "「数えてる」と栞は答えた。「昨日は三百十二。今日はまだ四十七。」",
                "「全部数えたら、どうなるの？」",
                "栞は少し考えてから、鉛筆の先でノートを軽くたたいた。「わからない。だから"
                "数えてるの。」",
                "晴は本を机に置くと、もう一台の脚立を取りに行った。",
            ),
        ),
        SampleChapter(
            title="二人で数える",
            body=_html(
                "二人で数えると、星は倍の速さで増えていった。",
                "晴は東の窓を、栞は西の窓を受け持った。ときどき同じ星を二度数えてしまい、"
                "どちらが先に見つけたかで小さな言い争いになった。<em>あれは私の星</em>、と栞が"
                "言うと、晴は笑って、じゃあ半分ずつにしよう、と言った。",
                "「星は半分にできないよ。」",
                "「本は半分ずつ読めるのに？」",
                "栞は返事をしなかった。けれど、ノートの余白に小さく「〇・五」と書き足したのを、"
                "晴は見逃さなかった。",
                "<hr />",
                "その夜、二人の数はとうとう千を超えた。",
            ),
        ),
    ),
)

ISAAK_DRAFT = SampleWork(
    author="moogle_quill",
    title="Untitled Isaak Backstory (WIP)",
    summary=_html("The one night the Harbour light went dark."),
    end_notes="",
    rating="Teen And Up Audiences",
    warnings=(NO_WARNINGS,),
    categories=("Gen",),
    fandoms=(HARBOUR.fandom,),
    characters=("Isaak Brand",),
    freeforms=("Backstory", "Lighthouses"),
    post=False,
    chapters=(
        SampleChapter(
            body=_html(
                "<strong>[Draft. Needs a middle. And an ending. And possibly a different "
                "beginning.]</strong>",
                "Isaak Brand had kept the Harbour light for thirty-one years, and in all that "
                "time he had let it go dark exactly once.",
                "Nobody in the town talked about that night any more. The people who remembered "
                "it were mostly gone, and the ones who were left had decided, in the quiet "
                "collective way of small places, that it had been the storm's fault. Isaak let "
                "them think so. It was easier than the truth, which was that he had heard the "
                "bell under the water, and gone down to the harbour wall to answer it.",
                "TODO: what did he find? Something kind, I think. Something that costs him.",
            ),
        ),
    ),
)

HAND_WRITTEN_WORKS: tuple[SampleWork, ...] = (
    WHAT_THE_ORCHARD_KEEPS,
    DEAD_RECKONING,
    THE_BELL_UNDER_THE_WATER,
    RECETTE,
    COUNTING_STARS,
    ISAAK_DRAFT,
)


# --- the generator ----------------------------------------------------------------------------

WEATHER = ("rain", "fog", "first snow", "wind off the sea", "thunderstorm", "long grey dusk")
TIMES = ("dawn", "dusk", "midnight", "morning", "evening")
FEELINGS = (
    "hope",
    "grief",
    "homesickness",
    "courage",
    "forgiveness",
    "belonging",
    "starting over",
    "being missed",
)
COLOURS = ("gold", "blue", "silver", "rose", "amber", "grey")
SOUNDS = (
    "rang once and fell silent",
    "creaked in the wind",
    "began, very softly, to sing",
    "knocked three times",
    "clattered and went still",
)
SMELLS = ("woodsmoke", "wet stone", "new bread", "engine oil", "old paper", "salt")
# Slots that stay the same for a whole chapter.
SCENE_SLOTS = ("weather", "time", "thing")

NARRATION = (
    "{a} had not meant to stay so long at {place}, but the {weather} had other plans.",
    "The {thing} sat between them like a question neither of them wanted to ask.",
    "Outside, the {weather} went on and on, patient as a held breath.",
    "{b} was already there, of course, pretending to be busy with the {thing}.",
    "It was the kind of {time} that made everything seem possible, even {feeling}.",
    "Somewhere beyond {place}, something {sound}.",
    "{a} counted to ten, then to twenty, then gave up counting altogether.",
    "The light had gone {colour} at the edges, the way it always did just before {time}.",
    "Nobody at {place} asked questions, which was the best thing about it.",
    "{b} laughed, short and surprised, as though the sound had escaped without permission.",
    "There were a hundred things {a} could have said. {a} chose the smallest one.",
    "The {thing} was heavier than it looked. Most things were.",
    "{a} thought about {feeling}, and about how little anyone ever said about it.",
    "By the time they reached {place}, the {weather} had softened into something almost kind.",
    "It was not forgiveness, not yet. But it was the shape of a door where forgiveness might go.",
    "{b} handed over the {thing} without a word, and {a} took it the same way.",
    "Later, {a} would remember the smell of {smell} more clearly than anything anyone said.",
    "Some days the world was very large. Today it was exactly the size of {place}.",
    "{a} had been told, once, that {feeling} was a kind of weather. It had seemed silly then.",
    "They walked on in a silence that was, for once, entirely comfortable.",
    "{b} hummed something tuneless and unashamed.",
    "The {thing} had been mended twice already. It would probably need mending again.",
    "Every window at {place} glowed {colour}, and for a moment it looked like somewhere out of "
    "a story.",
    "{a} had a list of reasons to leave. It had been getting shorter for weeks.",
    "It was, {a} decided, <em>not</em> the worst idea {b} had ever had. Only the second worst.",
    "There is a particular quiet that comes after the {weather}, and {place} was full of it.",
    "{b} looked up, and for once did not look away.",
    "The {thing} was still warm when {a} picked it up.",
    "Nothing had changed, and somehow everything had.",
    "{a} wrote three letters that night and burned two of them.",
    "The clock at {place} had been wrong for years. Nobody had the heart to fix it.",
    "{b} said {a}'s name the way some people say <em>home</em>.",
    "{a} made tea, because that was what you did, and because it gave restless hands something "
    "to do.",
    "The road to {place} was longer than anyone remembered, and better.",
    "The sign on the door said <strong>CLOSED</strong>, which had never once stopped {b}.",
    "The air smelled of {smell} and of the {weather} still to come.",
    "The kettle took an age to boil. Nobody minded.",
    "For a while the only sound was the two of them breathing.",
    "Somebody had left a light on, and it made all the difference.",
    "It would have been easy to say nothing. It usually was.",
    "They had argued about the {thing} for a week. Neither could now remember which side they "
    "had taken.",
    "The day had been long, and it was not finished with them yet.",
    "{place} had never looked so small, or so much like home.",
    "Far off, a door closed, and the whole building seemed to settle.",
    "It was a terrible plan. It was also the only one they had.",
    "There was a smudge of something on {b}'s cheek. {a} decided not to mention it.",
    "Time did the strange thing it does late at night, and stretched.",
    "Whatever happened next, they would at least be warm.",
)
DIALOGUE = (
    "“You're late,” said {b}.<br />“I'm exactly on time,” said {a}, “for someone who got lost "
    "twice.”",
    "“Do you ever think about {feeling}?” {a} asked.<br />{b} considered this. “Only on days "
    "ending in <em>y</em>.”",
    "“Hold this,” said {b}, and handed over the {thing}. “Don't drop it. Don't <em>look</em> at "
    "it. Just hold it.”",
    "“We could go back,” {a} said.<br />“We could,” {b} agreed, and neither of them moved.",
    "“Is that a {thing}?”<br />“It's <em>my</em> {thing},” said {b}, with enormous dignity.",
    "“I'm not crying,” said {a}. “It's the {weather}.”<br />“Of course,” said {b}, and passed "
    "over a handkerchief anyway.",
    "“Tell me something true,” said {b}.<br />{a} thought about it for a long time. “I'm glad "
    "you came.”",
    "“What happens now?” {a} asked.<br />{b} shrugged. “Breakfast, I should think. After that, "
    "who knows?”",
    "“You kept it,” {b} said, looking at the {thing}.<br />“Of course I kept it,” said {a}. "
    "“You gave it to me.”",
    "“Stay,” said {a}, and then, more quietly, “please.”",
    "“You're impossible,” said {b}.<br />“I'm <em>improbable</em>,” said {a}. “There's a "
    "difference.”",
)
LETTERS = (
    "{a}: gone to {place}. Back before {time}. Do not touch the {thing}. {b}",
    "Things to remember: the {thing}; the way to {place} in the {weather}; that {b} takes tea "
    "without sugar now.",
    "If you are reading this, the {weather} has stopped, and I was wrong about everything except "
    "you.",
    "Dear {b}, I have started this letter eleven times. This is the one I am sending. {a}",
)

TITLE_ADJECTIVES = (
    "Small",
    "Quiet",
    "Borrowed",
    "Unfinished",
    "Salt-Bright",
    "Lantern-Lit",
    "Patient",
    "Late",
    "Folded",
    "Second",
)
TITLE_NOUNS = (
    "Hours",
    "Harbours",
    "Maps",
    "Stars",
    "Mercies",
    "Letters",
    "Kindnesses",
    "Roads",
    "Lights",
    "Songs",
)
TITLES = (
    "{Adjective} {Nouns}",
    "The {Adjective} Way Home",
    "Everything the {Thing} Remembers",
    "A Map of {Place}",
    "What {a} Kept",
    "Five Times {a} Said Nothing (and One Time {a} Did)",
    "Before the {Weather}",
    "Notes on {Feeling}",
    "Where the {Nouns} Go",
    "{a} and the {Adjective} {Thing}",
    "A Brief History of {Nouns}",
    "Come In Out of the {Weather}",
    "Letters from {Place}",
    "The Trouble with the {Thing}",
    "All the {Adjective} {Nouns}",
    "{Adjective} Weather",
    "Three {Nouns} and a {Thing}",
    "Nobody Mentions the {Thing}",
)
SUMMARIES = (
    "{a} has one {time} to fix the {thing} before anyone notices it's broken. {b} notices "
    "immediately.",
    "Five times {a} pretended not to care about {b}'s {thing}, and one time {a} stopped "
    "pretending.",
    "After everything, {a} goes back to {place}. {b} is already there.",
    "A quiet story about {feeling}, the {weather}, and a {thing} nobody will admit to owning.",
    "{a} and {b} are stuck at {place} for the length of the {weather}. It goes about as well as "
    "you'd expect.",
    "In which {b} learns to bake, {a} learns to ask for help, and the {thing} learns nothing at "
    "all.",
    "Missing scene: what happened at {place} between the end of the finale and the last shot.",
    "{b} keeps a list of everything {a} has ever lost. The {thing} is at the top.",
)
WORK_NOTES = (
    "Written for a prompt that just said “{thing}”. I took it very literally.",
    "Thank you to my beta, who caught every single misplaced comma.",
    "This has been sitting in my drafts for a year. Time to let it go.",
    "Set somewhere after the finale. Mild spoilers.",
    "Unbeta'd; all mistakes are my own.",
)
OTHER_END_NOTES = (
    "Come and say hello in the comments!",
    "Kudos and comments make my week.",
)
CHAPTER_TITLES = (
    "Arrivals",
    "The Long Way Round",
    "Weather Report",
    "Small Hours",
    "What We Carry",
    "Departures",
    "Salt and Sugar",
    "A Door Left Open",
    "Homecoming",
    "Interlude",
    "Lamplight",
    "The Morning After the Storm",
)
RATINGS = (
    ("General Audiences", 35),
    ("Teen And Up Audiences", 35),
    ("Mature", 15),
    ("Not Rated", 15),
)
_SMALL_WORDS = frozenset(
    {"a", "an", "the", "of", "and", "in", "on", "to", "at", "for", "from", "with"}
)


def _title_case(text: str) -> str:
    """Capitalise each word (and each part of a hyphenated one) except small inner words."""

    def cap(word: str) -> str:
        return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))

    words = text.split()
    return " ".join(
        word if i and word in _SMALL_WORDS else cap(word) for i, word in enumerate(words)
    )


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


class ProseGenerator:
    """Deterministic filler prose: the same seed always gives the same works."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self._deck: list[str] = []
        self._titles: list[str] = []

    def _slots(self, canon: Canon, a: str, b: str) -> dict[str, str]:
        rng = self.rng
        return {
            "a": a,
            "b": b,
            "place": rng.choice(canon.places),
            "thing": rng.choice(canon.things),
            "weather": rng.choice(WEATHER),
            "time": rng.choice(TIMES),
            "feeling": rng.choice(FEELINGS),
            "colour": rng.choice(COLOURS),
            "sound": rng.choice(SOUNDS),
            "smell": rng.choice(SMELLS),
        }

    def _narration(self) -> str:
        # Dealt like cards, so a chapter repeats no sentence until the deck runs out.
        if not self._deck:
            self._deck = list(NARRATION)
            self.rng.shuffle(self._deck)
        return self._deck.pop()

    def paragraph(self, slots: dict[str, str]) -> str:
        sentences = [self._narration() for _ in range(self.rng.randint(3, 4))]
        return " ".join(_sentence_case(s.format(**slots)) for s in sentences)

    def chapter_body(self, canon: Canon, cast: tuple[str, str]) -> str:
        """Four to six paragraphs, now and then a line of dialogue, a note in a blockquote or a
        scene break. The weather, the hour and the object stay put for the whole chapter."""
        rng = self.rng
        self._deck = []
        scene = self._slots(canon, *cast)
        count = rng.randint(4, 6)
        parts: list[str] = []
        used_break = used_letter = False
        for index in range(count):
            a, b = cast if rng.random() < 0.6 else cast[::-1]
            slots = {**self._slots(canon, a, b), **{k: scene[k] for k in SCENE_SLOTS}}
            roll = rng.random()
            if index and roll < 0.3:
                parts.append(f"<p>{rng.choice(DIALOGUE).format(**slots)}</p>")
            elif index > 1 and roll < 0.4 and not used_letter:
                used_letter = True
                letter = rng.choice(LETTERS).format(**slots)
                parts.append(f"<blockquote><p>{letter}</p></blockquote>")
            else:
                parts.append(f"<p>{self.paragraph(slots)}</p>")
            if 1 < index < count - 1 and not used_break and rng.random() < 0.15:
                used_break = True
                parts.append("<hr />")
        return "\n".join(parts)

    def title(self, canon: Canon, a: str) -> str:
        rng = self.rng
        if not self._titles:
            self._titles = list(TITLES)
            rng.shuffle(self._titles)
        title = self._titles.pop().format(
            Adjective=rng.choice(TITLE_ADJECTIVES),
            Nouns=rng.choice(TITLE_NOUNS),
            Thing=rng.choice(canon.things),
            Place=rng.choice(canon.places),
            Weather=rng.choice(WEATHER),
            Feeling=rng.choice(FEELINGS),
            a=a,
        )
        return _title_case(title)

    def summary(self, canon: Canon, cast: tuple[str, str]) -> str:
        text = self.rng.choice(SUMMARIES).format(**self._slots(canon, *cast))
        return f"<p>{_sentence_case(text)}</p>"

    def work(self, author: SampleAuthor) -> SampleWork:
        rng = self.rng
        canon = rng.choice(CANONS)
        short = dict(canon.characters)
        relationships: tuple[str, ...] = ()
        if rng.random() < 0.75:
            relationship, category = rng.choice(canon.relationships)
            relationships = (relationship,)
            members = relationship.replace(" & ", "/").split("/")
        else:
            category = "Gen"
            members = [name for name, _ in rng.sample(canon.characters, 2)]
        characters = list(members)
        if rng.random() < 0.4:
            extra = rng.choice(canon.characters)[0]
            if extra not in characters:
                characters.append(extra)
        cast = (short[members[0]], short[members[1]])
        fandoms = [canon.fandom]
        if rng.random() < 0.08:
            fandoms.append(rng.choice([c for c in CANONS if c is not canon]).fandom)

        rating = rng.choices([r for r, _ in RATINGS], weights=[w for _, w in RATINGS])[0]
        if rating == "General Audiences":
            warnings = (NO_WARNINGS,)
        elif rating == "Not Rated":
            warnings = (CHOSE_NOT_TO_WARN,)
        elif rating == "Mature":
            warnings = rng.choice(((CHOSE_NOT_TO_WARN,), (VIOLENCE,), (NO_WARNINGS,)))
        else:
            warnings = rng.choice(((NO_WARNINGS,), (NO_WARNINGS,), (CHOSE_NOT_TO_WARN,)))

        chapter_count = rng.choices([1, 2, 3, 4], weights=[55, 20, 15, 10])[0]
        chapter_titles = rng.sample(CHAPTER_TITLES, chapter_count) if chapter_count > 1 else [""]
        chapters = tuple(
            SampleChapter(
                title=chapter_title,
                body=self.chapter_body(canon, cast),
                summary=self.summary(canon, cast)
                if chapter_count > 1 and rng.random() < 0.3
                else "",
            )
            for chapter_title in chapter_titles
        )
        complete = rng.random() < 0.7
        expected = None
        if not complete and rng.random() < 0.6:
            expected = chapter_count + rng.randint(1, 5)

        slots = self._slots(canon, *cast)
        notes = f"<p>{rng.choice(WORK_NOTES).format(**slots)}</p>" if rng.random() < 0.4 else ""
        end_roll = rng.random()
        end_notes = END_NOTE if end_roll < 0.5 else ""
        if end_roll > 0.8:
            end_notes = f"<p>{rng.choice(OTHER_END_NOTES)}</p>"
        freeforms = rng.sample(COMMON_FREEFORMS, rng.randint(1, 3))
        freeforms += rng.sample(canon.freeforms, rng.randint(0, 2))
        # Most works are backdated over the last two years; a few are posted today.
        days_ago = rng.randint(1, 730) if rng.random() < 0.85 else None
        return SampleWork(
            author=author.login,
            pseud=author.extra_pseud if author.extra_pseud and rng.random() < 0.3 else "",
            title=self.title(canon, cast[0]),
            summary=self.summary(canon, cast),
            notes=notes,
            end_notes=end_notes,
            chapters=chapters,
            rating=rating,
            warnings=warnings,
            categories=(category,),
            fandoms=tuple(fandoms),
            relationships=relationships,
            characters=tuple(characters),
            freeforms=tuple(freeforms),
            restricted=rng.random() < 0.06,
            complete=complete,
            expected_chapters=expected,
            days_ago=days_ago,
        )


def generated_works(count: int, seed: int = 7) -> list[SampleWork]:
    """`count` filler works spread over the canons and authors; the same seed gives the same
    works. Every author gets at least one."""
    generator = ProseGenerator(seed)
    works: list[SampleWork] = []
    titles: set[str] = set()
    for index in range(count):
        author = AUTHORS[index] if index < len(AUTHORS) else generator.rng.choice(AUTHORS)
        work = generator.work(author)
        for _ in range(5):  # prefer distinct titles
            if work.title not in titles:
                break
            work = generator.work(author)
        titles.add(work.title)
        works.append(work)
    return works


# A chapter of "Dead Reckoning" waits for its moment: the sample's scheduled chapter, shown as
# "Scheduled for …" to lanternfish and to nobody else until then.
SCHEDULED_CHAPTER_WORK = "Dead Reckoning"
SCHEDULED_CHAPTER_DAYS = 3
SCHEDULED_CHAPTER = SampleChapter(
    title="Landfall",
    body=(
        "<p>The coast came up grey, then green, then close enough to smell. Nobody cheered; "
        "they had been wrong about land twice already.</p>"
        "<p>She marked it on the chart anyway, in pencil, the way her mother had taught her: "
        "light enough to rub out, dark enough to trust.</p>"
    ),
)
