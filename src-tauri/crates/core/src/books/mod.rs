//! Pages: image files, folders and books (zip, 7z, RAR, split volumes), read within the
//! limits, checked, named and ordered; the open books' byte budget; thumbnails.

pub mod archive;
pub mod book;
pub mod bookshelf;
pub mod input;
pub mod naming;
pub mod source;
pub mod thumbnail;
