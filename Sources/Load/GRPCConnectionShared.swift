/// What every gRPC connection of one load generator shares, built once per generator (and so
/// per loop thread): the gzip inflater that checks compressed answers, one at a time.
final class GRPCConnectionShared {
    /// Checks the compressed answers of every connection of the generator.
    let inflater = GzipInflater()
}
