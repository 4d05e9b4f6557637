"""This project's own components: the same folder name as in the awsinaction repository, and no clash."""
