"""Every listing of works or bookmarks, as AO3 has them: `form` reads the parameters, `query`
builds the filters and sort for the viewer, `results` is the page and its sidebar."""
