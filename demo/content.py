"""Original French demo content written for this project (no newspaper's prose).

Titles are hand-written; bodies are composed from the sentence pools below with a seeded
random generator, so the same command always writes the same site.
"""

from decimal import Decimal

SOURCES = [
    ("Le Quotidien du Centre", "https://quotidien-du-centre.example"),
    ("La Gazette de l'Atlantique", "https://gazette-atlantique.example"),
    ("L'Écho des Alpes", "https://echo-des-alpes.example"),
    ("Le Courrier méridional", "https://courrier-meridional.example"),
]

PLANS = {
    "mensuel": {
        "name": "Mensuel",
        "price": Decimal("9.99"),
        "period": "month",
        "position": 0,
        "description": "Tous les articles réservés, sans engagement.",
    },
    "annuel": {
        "name": "Annuel",
        "price": Decimal("99.00"),
        "period": "year",
        "position": 1,
        "description": "Deux mois offerts par rapport à la formule mensuelle.",
    },
}

# Gift subscriptions: months → price, paid once.
GIFT_OFFERS = {1: Decimal("9.99"), 6: Decimal("54.99"), 12: Decimal("99.00")}

AUTHORS = [
    "Claire Dubosc",
    "Julien Marchetti",
    "Amina Haddad",
    "Thomas Le Goff",
    "Sophie Vasseur",
    "Mehdi Benali",
    "Hélène Carpentier",
    "Louis Ferrand",
]

KICKERS = ["DÉCRYPTAGE", "ENQUÊTE", "ANALYSE", "REPORTAGE", "ENTRETIEN", "RÉCIT", "TRIBUNE", "", "", ""]

SECTIONS = {
    "Politique": {
        "color": (155, 28, 28),
        "tags": ["Assemblée nationale", "Collectivités", "Élections"],
        "titles": [
            "Budget : les députés s'accordent sur une réforme de la taxe locale",
            "Municipales : dans les villes moyennes, la campagne commence au marché",
            "Le Sénat adopte un texte sur la simplification des démarches en mairie",
            "Décentralisation : les régions réclament davantage de moyens",
            "À l'Assemblée, une commission d'enquête sur le prix de l'énergie",
            "Participation électorale : ce que disent les chiffres depuis vingt ans",
            "Les maires ruraux face à la pénurie de secrétaires de mairie",
            "Transparence : un registre public des rendez-vous ministériels",
            "Réforme des retraites : les syndicats préparent une nouvelle mobilisation",
            "Intercommunalités : dix ans après, le bilan d'une carte redessinée",
        ],
        "sentences": [
            "Le texte, examiné en commission la semaine dernière, a été largement amendé"
            " par les députés de tous les groupes.",
            "Plusieurs élus locaux estiment que la réforme arrive trop tard pour les communes déjà en difficulté.",
            "Le gouvernement assure que l'équilibre des finances publiques n'en sera pas affecté.",
            "Dans l'hémicycle, les débats se sont prolongés tard dans la nuit, sans incident notable.",
            "Les associations d'élus demandent une compensation intégrale et pérenne.",
            "Le rapporteur du texte a défendu une approche pragmatique, fondée sur l'expérience des territoires.",
            "L'opposition dénonce une mesure d'affichage qui ne règle pas le fond du problème.",
            "Un premier bilan devrait être présenté au Parlement d'ici à la fin de l'année prochaine.",
        ],
    },
    "Économie": {
        "color": (22, 101, 52),
        "tags": ["Emploi", "Énergie", "Entreprises"],
        "titles": [
            "Les PME industrielles relocalisent une partie de leur production",
            "Prix de l'électricité : les ménages modestes mieux protégés l'hiver prochain",
            "Emploi des jeunes : l'apprentissage continue de progresser",
            "Dans le Jura, l'horlogerie recrute à tour de bras",
            "Le commerce de centre-ville résiste mieux que prévu",
            "Agriculture : les circuits courts séduisent les cantines scolaires",
            "Les banques régionales misent sur le financement de la rénovation",
            "Tourisme : une saison d'été record sur la façade atlantique",
            "La filière bois cherche à structurer ses exportations",
            "Télétravail : les entreprises réorganisent leurs bureaux",
        ],
        "sentences": [
            "Selon les derniers chiffres publiés, la tendance se confirme pour le troisième trimestre consécutif.",
            "Les chefs d'entreprise interrogés se disent prudemment optimistes pour les mois à venir.",
            "La hausse des coûts de l'énergie pèse encore sur les marges des entreprises les plus exposées.",
            "Les économistes soulignent que la dynamique reste fragile et dépend de la demande intérieure.",
            "Les carnets de commandes sont remplis jusqu'au printemps, signe d'une activité soutenue.",
            "La difficulté à recruter demeure le premier frein cité par les dirigeants.",
            "Les collectivités accompagnent le mouvement avec des aides ciblées à l'investissement.",
            "Les syndicats demandent que ces gains se traduisent aussi dans les salaires.",
        ],
    },
    "International": {
        "color": (30, 64, 175),
        "tags": ["Europe", "Diplomatie", "Climat"],
        "titles": [
            "À Bruxelles, les Vingt-Sept trouvent un compromis sur l'asile",
            "Sommet du climat : les pays du Sud réclament des financements concrets",
            "En Allemagne, la coalition se divise sur le budget de la défense",
            "Le Canada et l'Union européenne relancent leur accord commercial",
            "Au Sahel, les ONG alertent sur la situation alimentaire",
            "Élections en Espagne : un paysage politique fragmenté",
            "Le Japon face au vieillissement accéléré de sa population",
            "Diplomatie : Paris et Rome veulent apaiser leurs relations",
            "Mer Baltique : les pays riverains renforcent leur coopération",
            "Au Brésil, la lutte contre la déforestation porte ses fruits",
        ],
        "sentences": [
            "Les négociations, entamées il y a plusieurs mois, ont longtemps semblé dans l'impasse.",
            "Les diplomates saluent une avancée, tout en reconnaissant que l'essentiel reste à faire.",
            "Sur place, la population attend des résultats tangibles plutôt que des déclarations.",
            "Les partenaires européens observent la situation avec une attention particulière.",
            "Plusieurs organisations internationales ont publié des rapports convergents sur le sujet.",
            "Le ministre des affaires étrangères a multiplié les entretiens bilatéraux ces derniers jours.",
            "Les observateurs notent un changement de ton par rapport aux précédents sommets.",
            "La mise en œuvre de l'accord sera suivie par un comité indépendant.",
        ],
    },
    "Sciences": {
        "color": (91, 33, 182),
        "tags": ["Santé", "Espace", "Recherche"],
        "titles": [
            "Une équipe grenobloise met au point un capteur de pollution miniature",
            "Le télescope spatial révèle des galaxies d'une netteté inédite",
            "Sommeil : pourquoi les adolescents se couchent de plus en plus tard",
            "Biodiversité : le retour des insectes pollinisateurs dans les villes",
            "Une nouvelle piste contre la résistance aux antibiotiques",
            "Glaciers des Alpes : les mesures de l'été confirment le recul",
            "Intelligence artificielle : les chercheurs plaident pour l'ouverture des modèles",
            "Archéologie : un village néolithique exhumé en Bretagne",
            "Les océans absorbent moins de carbone que prévu",
            "Médecine : les greffes de cornée bientôt simplifiées",
        ],
        "sentences": [
            "Les résultats, publiés dans une revue à comité de lecture, devront encore être confirmés.",
            "L'étude porte sur plusieurs milliers de participants suivis pendant près de dix ans.",
            "Les chercheurs insistent sur la prudence avec laquelle il faut interpréter ces données.",
            "Le projet a bénéficié d'un financement européen sur cinq ans.",
            "Des mesures répétées sur le terrain ont permis d'affiner les modèles existants.",
            "La communauté scientifique accueille ces travaux avec un intérêt certain.",
            "Les prochaines étapes passeront par des essais à plus grande échelle.",
            "L'équipe a rendu publiques ses données pour permettre à d'autres laboratoires de les vérifier.",
        ],
    },
    "Culture": {
        "color": (154, 52, 18),
        "tags": ["Cinéma", "Livres", "Musique"],
        "titles": [
            "Un premier roman sur la Loire rafle les prix de la rentrée",
            "Au théâtre, une adaptation audacieuse de Molière fait salle comble",
            "Festival de cinéma : le palmarès récompense un film d'animation",
            "Les bibliothèques de quartier réinventent leurs horaires",
            "Patrimoine : la restauration d'une abbaye romane touche à sa fin",
            "Musique : les petites salles de concert retrouvent leur public",
            "Une exposition retrace un siècle d'affiches de cinéma",
            "La bande dessinée franco-belge conquiert de nouveaux lecteurs",
            "Danse : une chorégraphe bordelaise invitée à New York",
            "Les librairies indépendantes misent sur les rencontres d'auteurs",
        ],
        "sentences": [
            "Le public a répondu présent dès les premiers jours, au-delà des espérances des organisateurs.",
            "La critique salue une œuvre exigeante, portée par une écriture d'une grande précision.",
            "Les artistes invités viennent d'horizons très différents, ce qui fait la richesse du programme.",
            "Le projet a demandé plus de trois ans de préparation et de nombreuses collaborations.",
            "Les organisateurs souhaitent attirer un public plus jeune, souvent éloigné de ces lieux.",
            "La tournée passera par une vingtaine de villes au cours de la saison.",
            "Le ministère de la culture a annoncé un soutien exceptionnel à l'initiative.",
            "Les places se sont arrachées en quelques heures pour les dernières représentations.",
        ],
    },
    "Sport": {
        "color": (15, 118, 110),
        "tags": ["Football", "Rugby", "Cyclisme"],
        "titles": [
            "Rugby : le XV de France prépare le Tournoi avec de nouveaux visages",
            "Football : un club de Ligue 2 crée la surprise en Coupe de France",
            "Cyclisme : le parcours du prochain Tour dévoilé",
            "Handball : les Bleues qualifiées pour les demi-finales",
            "Le sport amateur manque de bénévoles",
            "Tennis : une jeune Lyonnaise entre dans le top 50 mondial",
            "Ski alpin : les stations ouvrent sous un enneigement correct",
            "Athlétisme : un record de France tombe sur 10 000 mètres",
            "Voile : le départ de la course au large attire les foules",
            "Basket : l'équipe de Monaco poursuit sa série de victoires",
        ],
        "sentences": [
            "L'entraîneur a salué l'état d'esprit de son groupe après une semaine difficile.",
            "Les supporters ont fait le déplacement en nombre pour soutenir leur équipe.",
            "La rencontre s'est jouée dans les dernières minutes, au terme d'un match très disputé.",
            "Le calendrier chargé de la fin de saison inquiète les staffs médicaux.",
            "Les jeunes joueurs formés au club ont saisi leur chance avec beaucoup d'aplomb.",
            "La fédération annonce un plan pour développer la pratique chez les plus jeunes.",
            "Le capitaine a rappelé que rien n'était encore acquis avant les prochaines échéances.",
            "Les statistiques de la saison confirment la progression régulière de l'équipe.",
        ],
    },
}

GENERIC_SENTENCES = [
    "Sur le terrain, les acteurs concernés décrivent une réalité plus nuancée que les chiffres officiels.",
    "Ce dossier, longtemps resté en marge du débat public, revient aujourd'hui au premier plan.",
    "Pour mieux comprendre les enjeux, il faut revenir sur les décisions prises ces dernières années.",
    "Les habitants interrogés partagent un mélange d'espoir et de scepticisme.",
    "Plusieurs experts invitent à ne pas tirer de conclusions hâtives.",
    "La question du financement reste, comme souvent, au cœur des discussions.",
    "Les prochaines semaines diront si cette dynamique peut s'inscrire dans la durée.",
    "Certains y voient un tournant, d'autres une simple étape dans un processus plus long.",
    "Le calendrier annoncé paraît ambitieux au regard des moyens disponibles.",
    "Les comparaisons avec nos voisins européens éclairent utilement la situation française.",
    "À ce stade, aucune décision définitive n'a été arrêtée.",
    "Les témoignages recueillis convergent sur un point : le besoin de visibilité.",
    "Il s'agit d'un sujet technique, mais dont les conséquences sont très concrètes.",
    "Le dialogue entre les différentes parties s'est nettement amélioré depuis le printemps.",
    "Les données disponibles restent partielles, ce qui invite à la prudence.",
    "Cette évolution s'inscrit dans une tendance de fond observée depuis une décennie.",
]

SUBHEADINGS = [
    "Une question de confiance",
    "Le temps presse",
    "Un équilibre fragile",
    "Rien n'est joué",
    "Des moyens à la hauteur",
    "Changer de méthode",
    "Un signal attendu",
    "Apprendre du passé",
    "La parole aux premiers concernés",
    "Un modèle à inventer",
]

QUOTES = [
    "Nous avons besoin de temps, mais surtout de stabilité",
    "Personne ne peut prétendre avoir toutes les réponses",
    "C'est une étape importante, pas une ligne d'arrivée",
    "Il faut regarder la réalité en face, sans catastrophisme",
    "Les gens attendent des actes, pas des promesses",
    "Nous avons appris beaucoup de nos erreurs",
]

SPEAKERS = [
    "une responsable associative",
    "un élu de la majorité",
    "une chercheuse du CNRS",
    "un chef d'entreprise",
    "une professeure d'université",
    "un syndicaliste",
]

# The second newest public article's discussion runs to two pages of threads.
DISCUSSED_THREADS = 24
COMMENTS = [
    "Article très clair, merci pour ce décryptage.",
    "Je ne suis pas tout à fait d'accord avec la conclusion, mais les faits sont bien présentés.",
    "Enfin un sujet traité sans caricature.",
    "Il manque à mon avis le point de vue des premiers concernés.",
    "Merci, j'ai appris beaucoup de choses.",
]
