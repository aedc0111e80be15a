namespace CeasefireWatch.Web.Resources;

/// <summary>
/// The one resource set of the UI: <c>SharedResource.uk.resx</c> beside this file holds the Ukrainian text. Keys are
/// the English text itself, so English needs no resource file and a string not yet translated still reads in English.
/// </summary>
public sealed class SharedResource;
