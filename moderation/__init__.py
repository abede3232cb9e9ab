"""Comment moderation under п. 2.5: which comments the procedure says to remove, and why.

An adapter package with its own rules: it leans on libraries (python-obscene-words-filter,
phonenumbers, python-stdnum, pymorphy3) that the stdlib-only domain may not import.
A person always decides; these rules only point at the words that matched.
"""
